#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/journal/anchor.hpp>
#include <credguard/journal/journal.hpp>
#include <credguard/journal/schema.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace credguard::journal {

namespace fs = std::filesystem;

namespace {

constexpr int k_busy_timeout_ms = 60'000;

void create_private_file(const fs::path& path)
{
  std::error_code ec;
  if (fs::exists(path, ec)) {
    return;
  }
  fs::path dir = path.parent_path();
  if (!dir.empty() && !fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) {
      throw Error(ErrorKind::io, fmt::format("cannot create journal directory {}: {}", dir.string(), ec.message()),
                  "set CREDGUARD_JOURNAL or journal.path to a writable location");
    }
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EEXIST) {
    throw Error(ErrorKind::io, fmt::format("cannot create journal {}: {}", path.string(), std::strerror(errno)),
                "set CREDGUARD_JOURNAL or journal.path to a writable location");
  }
  if (fd >= 0) {
    ::close(fd);
  }
}

Entry read_entry(SQLite::Statement& row)
{
  Entry entry;
  entry.seq = row.getColumn("seq").getInt64();
  entry.time = row.getColumn("time").getString();
  entry.who.actor = row.getColumn("actor").getString();
  entry.who.os_user = row.getColumn("os_user").getString();
  entry.who.sudo_user = row.getColumn("sudo_user").getString();
  entry.who.host = row.getColumn("host").getString();
  entry.what.command = row.getColumn("command").getString();
  entry.what.incident = row.getColumn("incident").getString();
  entry.what.action = row.getColumn("action").getString();
  entry.what.target = row.getColumn("target").getString();
  entry.what.outcome = row.getColumn("outcome").getString();
  entry.what.reason = row.getColumn("reason").getString();
  std::string evidence = row.getColumn("evidence").getString();
  entry.what.evidence = nlohmann::json::parse(evidence, nullptr, false);
  entry.prev_hash = row.getColumn("prev_hash").getString();
  entry.hash = row.getColumn("hash").getString();
  return entry;
}

// Inserts `entry` (seq and prev_hash set) as the new head of the chain:
// fills in its time and hash.
void insert_entry(SQLite::Database& db, Entry& entry, const std::string& evidence_text, SystemTime now)
{
  entry.time = format_rfc3339(now);
  entry.hash = sha256_hex(canonical_form(entry, evidence_text));
  SQLite::Statement insert(db, "INSERT INTO entries (seq, time, actor, os_user, sudo_user, host, command, "
                               "incident, action, target, outcome, reason, evidence, prev_hash, hash) "
                               "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  insert.bind(1, entry.seq);
  insert.bind(2, entry.time);
  insert.bind(3, entry.who.actor);
  insert.bind(4, entry.who.os_user);
  insert.bind(5, entry.who.sudo_user);
  insert.bind(6, entry.who.host);
  insert.bind(7, entry.what.command);
  insert.bind(8, entry.what.incident);
  insert.bind(9, entry.what.action);
  insert.bind(10, entry.what.target);
  insert.bind(11, entry.what.outcome);
  insert.bind(12, entry.what.reason);
  insert.bind(13, evidence_text);
  insert.bind(14, entry.prev_hash);
  insert.bind(15, entry.hash);
  insert.exec();
  SQLite::Statement head(db, "INSERT INTO meta (key, value) VALUES ('head', ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  head.bind(1, fmt::format("{}:{}", entry.seq, entry.hash));
  head.exec();
}

// The anchor is a second witness, written after the commit: when it
// cannot be written the entry is still safe, and the next append
// rewrites it (an anchor behind the journal is not an alarm).
void update_anchor(const fs::path& path, const Anchor& anchor)
{
  try {
    write_anchor(path, anchor);
  } catch (const Error&) {
  }
}

} // namespace

Journal::Journal(const fs::path& path, Mode mode, const Clock& clock, Identity who, const Redactor* redactor)
  : m_path(path)
  , m_clock(&clock)
  , m_who(std::move(who))
  , m_redactor(redactor)
{
  try {
    if (mode == Mode::read_write) {
      create_private_file(path);
      m_db = std::make_unique<SQLite::Database>(path.string(), SQLite::OPEN_READWRITE, k_busy_timeout_ms);
      m_db->exec("PRAGMA journal_mode=WAL");
      m_db->exec("PRAGMA synchronous=FULL");
      int before = schema_version(*m_db);
      migrate(*m_db);
      // A new journal (or one from before anchors) gets its anchor now; an
      // existing anchor is left for append() to compare.
      if (before < 2 && !read_anchor(path)) {
        update_anchor(path, current_anchor(*m_db));
      }
    } else {
      std::error_code ec;
      if (!fs::exists(path, ec)) {
        throw Error(ErrorKind::io, fmt::format("no journal at {}", path.string()),
                    "nothing has been journaled yet, or set CREDGUARD_JOURNAL to the journal's path");
      }
      m_db = std::make_unique<SQLite::Database>(path.string(), SQLite::OPEN_READONLY, k_busy_timeout_ms);
    }
  } catch (const SQLite::Exception& e) {
    throw Error(ErrorKind::io, fmt::format("cannot open journal {}: {}", path.string(), e.what()),
                "set CREDGUARD_JOURNAL or journal.path to a writable location");
  }
}

Journal::~Journal() = default;
Journal::Journal(Journal&&) noexcept = default;
Journal& Journal::operator=(Journal&&) noexcept = default;

Entry Journal::append(EntryDraft draft)
{
  auto scrub = [&](std::string& text) {
    if (m_redactor != nullptr) {
      text = m_redactor->scrub(text);
    }
  };
  scrub(draft.command);
  scrub(draft.target);
  scrub(draft.reason);
  std::string evidence_text = draft.evidence.is_null() ? "{}" : draft.evidence.dump();
  scrub(evidence_text);

  Entry entry;
  entry.who = m_who;
  entry.what = std::move(draft);
  entry.what.evidence = nlohmann::json::parse(evidence_text);
  try {
    SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
    Anchor head = current_anchor(*m_db);
    // A chain that does not continue what the anchor remembers (the file
    // was emptied, recreated or cut short) is recorded in the chain itself
    // before anything else, so that verify reports it from then on.
    std::optional<std::string> problem;
    if (auto anchor = read_anchor(m_path)) {
      problem = discontinuity(*anchor, *m_db);
    } else if (head.seq > 0) {
      problem = fmt::format("its anchor {} is missing", anchor_path(m_path).string());
    }
    if (problem) {
      Entry notice;
      notice.who = m_who;
      notice.what = EntryDraft{entry.what.command,
                               "",
                               k_discontinuity_action,
                               m_path.string(),
                               "warning",
                               "the journal does not continue the chain its anchor remembers: " + *problem,
                               nlohmann::json::object()};
      notice.seq = head.seq + 1;
      notice.prev_hash = head.hash;
      insert_entry(*m_db, notice, notice.what.evidence.dump(), m_clock->now());
      head.seq = notice.seq;
      head.hash = notice.hash;
    }
    entry.seq = head.seq + 1;
    entry.prev_hash = head.hash;
    insert_entry(*m_db, entry, evidence_text, m_clock->now());
    transaction.commit();
  } catch (const SQLite::Exception& e) {
    throw Error(ErrorKind::io, fmt::format("cannot write journal {}: {}", m_path.string(), e.what()),
                "the action was not taken; fix the journal location and rerun");
  }
  update_anchor(m_path, Anchor{journal_id(*m_db), entry.seq, entry.hash});
  return entry;
}

std::vector<Entry> Journal::list(const Filter& filter) const
{
  std::string sql = "SELECT * FROM entries WHERE 1=1";
  if (!filter.incident.empty()) {
    sql += " AND incident = :incident";
  }
  if (!filter.action_prefix.empty()) {
    sql += " AND substr(action, 1, length(:action)) = :action";
  }
  if (filter.since) {
    sql += " AND time >= :since";
  }
  if (filter.until) {
    sql += " AND time < :until";
  }
  if (filter.after_seq) {
    sql += " AND seq > :after";
  }
  sql += filter.limit > 0 ? " ORDER BY seq DESC LIMIT :limit" : " ORDER BY seq";
  std::vector<Entry> entries;
  try {
    SQLite::Statement query(*m_db, sql);
    if (!filter.incident.empty()) {
      query.bind(":incident", filter.incident);
    }
    if (!filter.action_prefix.empty()) {
      query.bind(":action", filter.action_prefix);
    }
    if (filter.since) {
      query.bind(":since", format_rfc3339(*filter.since));
    }
    if (filter.until) {
      query.bind(":until", format_rfc3339(*filter.until));
    }
    if (filter.after_seq) {
      query.bind(":after", *filter.after_seq);
    }
    if (filter.limit > 0) {
      query.bind(":limit", static_cast<std::int64_t>(filter.limit));
    }
    while (query.executeStep()) {
      entries.push_back(read_entry(query));
    }
  } catch (const SQLite::Exception& e) {
    throw Error(ErrorKind::io, fmt::format("cannot read journal {}: {}", m_path.string(), e.what()),
                "run 'credguard journal verify'");
  }
  if (filter.limit > 0) {
    std::reverse(entries.begin(), entries.end());
  }
  return entries;
}

std::optional<Entry> Journal::get(std::int64_t seq) const
{
  try {
    SQLite::Statement query(*m_db, "SELECT * FROM entries WHERE seq = ?");
    query.bind(1, seq);
    if (query.executeStep()) {
      return read_entry(query);
    }
  } catch (const SQLite::Exception& e) {
    throw Error(ErrorKind::io, fmt::format("cannot read journal {}: {}", m_path.string(), e.what()));
  }
  return std::nullopt;
}

fs::path default_path(const Env& env, bool root)
{
  if (root) {
    return "/var/lib/credguard/journal.db";
  }
  if (auto state = env.get("XDG_STATE_HOME"); state && !state->empty()) {
    return fs::path(*state) / "credguard" / "journal.db";
  }
  auto home = env.get("HOME");
  return fs::path(home && !home->empty() ? *home : ".") / ".local" / "state" / "credguard" / "journal.db";
}

Identity resolve_identity(const Env& env, const std::string& actor_flag)
{
  Identity who;
  who.os_user = current_user();
  who.sudo_user = env.get("SUDO_USER").value_or("");
  who.host = host_name();
  who.actor = !actor_flag.empty() ? actor_flag : !who.sudo_user.empty() ? who.sudo_user : who.os_user;
  return who;
}

} // namespace credguard::journal
