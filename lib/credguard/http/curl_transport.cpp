// The only file that includes <curl/curl.h>.
#include <credguard/core/error.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/http/transport.hpp>

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <queue>

namespace credguard::http {

namespace {

void global_init()
{
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

TransportError classify(CURLcode code, bool connected)
{
  switch (code) {
  case CURLE_OK: return TransportError::none;
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY: return TransportError::dns;
  case CURLE_COULDNT_CONNECT: return TransportError::connect;
  case CURLE_OPERATION_TIMEDOUT: return connected ? TransportError::timeout : TransportError::connect;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH: return TransportError::tls;
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE: return TransportError::network;
  case CURLE_ABORTED_BY_CALLBACK: return TransportError::interrupted;
  default: return TransportError::other;
  }
}

// One attempt of one request: owns the easy handle, its header list and
// any files it streams through.
class Transfer {
public:
  Transfer(std::size_t index, const Request& request, int attempt)
    : m_index(index)
    , m_request(&request)
    , m_attempt(attempt)
  {
    m_easy = curl_easy_init();
    if (m_easy == nullptr) {
      throw Error(ErrorKind::internal, "curl_easy_init failed");
    }
  }
  ~Transfer()
  {
    curl_slist_free_all(m_headers);
    curl_easy_cleanup(m_easy);
    close_files();
  }
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  CURL* easy() const { return m_easy; }
  std::size_t index() const { return m_index; }
  int attempt() const { return m_attempt; }
  const Request& request() const { return *m_request; }
  Response& response() { return m_response; }
  char* error_buffer() { return m_error; }

  void set_headers(curl_slist* list) { m_headers = list; }
  void set_upload(std::FILE* file, std::uint64_t remaining)
  {
    m_upload = file;
    m_upload_remaining = remaining;
  }
  void set_download(std::FILE* file) { m_download = file; }
  void set_limits(std::size_t body_bytes, std::size_t header_bytes)
  {
    m_max_body = body_bytes;
    m_max_header = header_bytes;
  }

  void close_files()
  {
    if (m_upload != nullptr) {
      std::fclose(m_upload);
      m_upload = nullptr;
    }
    if (m_download != nullptr) {
      std::fclose(m_download);
      m_download = nullptr;
    }
  }
  bool download_failed() const { return m_download_failed; }
  // Set when the answer outgrew k_max_response_*: what, and the limit.
  const std::string& too_large() const { return m_too_large; }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self)
  {
    auto* transfer = static_cast<Transfer*>(self);
    std::size_t bytes = size * count;
    if (transfer->m_download != nullptr) {
      if (std::fwrite(data, 1, bytes, transfer->m_download) != bytes) {
        transfer->m_download_failed = true;
        return 0;
      }
      return bytes;
    }
    if (transfer->m_response.body.size() + bytes > transfer->m_max_body) {
      transfer->m_too_large = fmt::format("the response body is larger than {}, the most credguard reads",
                                          format_bytes(transfer->m_max_body));
      return 0;
    }
    transfer->m_response.body.append(data, bytes);
    return bytes;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self)
  {
    auto* transfer = static_cast<Transfer*>(self);
    std::string_view line(data, size * count);
    transfer->m_header_bytes += line.size();
    if (transfer->m_header_bytes > transfer->m_max_header) {
      transfer->m_too_large = fmt::format("the response headers are larger than {}, the most credguard reads",
                                          format_bytes(transfer->m_max_header));
      return 0;
    }
    if (line.starts_with("HTTP/")) {
      transfer->m_response.headers.clear(); // a new response (after 100 Continue)
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
      transfer->m_response.headers.push_back(
          Header{std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
    }
    return size * count;
  }

  static std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* self)
  {
    auto* transfer = static_cast<Transfer*>(self);
    std::size_t want = std::min<std::uint64_t>(size * count, transfer->m_upload_remaining);
    std::size_t got = want == 0 ? 0 : std::fread(buffer, 1, want, transfer->m_upload);
    if (got < want && std::ferror(transfer->m_upload) != 0) {
      return CURL_READFUNC_ABORT;
    }
    transfer->m_upload_remaining -= got;
    return got;
  }

private:
  std::size_t m_index;
  const Request* m_request;
  int m_attempt;
  CURL* m_easy = nullptr;
  curl_slist* m_headers = nullptr;
  std::FILE* m_upload = nullptr;
  std::uint64_t m_upload_remaining = 0;
  std::FILE* m_download = nullptr;
  bool m_download_failed = false;
  std::size_t m_header_bytes = 0;
  std::size_t m_max_body = k_max_response_body_bytes;
  std::size_t m_max_header = k_max_response_header_bytes;
  std::string m_too_large;
  Response m_response;
  char m_error[CURL_ERROR_SIZE] = {};
};

class CurlTransport final : public Transport {
public:
  CurlTransport(TransportOptions options, const Clock& clock, Log& log)
    : m_options(std::move(options))
    , m_clock(clock)
    , m_log(log)
  {
    global_init();
  }
  ~CurlTransport() override
  {
    for (CURLM* multi : m_idle) {
      curl_multi_cleanup(multi);
    }
  }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  std::vector<Response> perform_all(std::span<const Request> requests, const FanOutOptions& options) override;

private:
  CURLM* take_multi();
  void return_multi(CURLM* multi);
  std::unique_ptr<Transfer> start(CURLM* multi, std::size_t index, const Request& request, int attempt);
  Response finish(Transfer& transfer, CURLcode code);

  TransportOptions m_options;
  const Clock& m_clock;
  Log& m_log;
  std::mutex m_mutex;
  std::vector<CURLM*> m_idle; // multi handles keep their connection caches between calls
};

} // namespace

CURLM* CurlTransport::take_multi()
{
  std::lock_guard lock(m_mutex);
  if (!m_idle.empty()) {
    CURLM* multi = m_idle.back();
    m_idle.pop_back();
    return multi;
  }
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) {
    throw Error(ErrorKind::internal, "curl_multi_init failed");
  }
  return multi;
}

void CurlTransport::return_multi(CURLM* multi)
{
  std::lock_guard lock(m_mutex);
  m_idle.push_back(multi);
}

std::unique_ptr<Transfer> CurlTransport::start(CURLM* multi, std::size_t index, const Request& request, int attempt)
{
  auto transfer = std::make_unique<Transfer>(index, request, attempt);
  transfer->set_limits(m_options.max_body_bytes, m_options.max_header_bytes);
  CURL* easy = transfer->easy();
  auto ms = [](Millis value) { return static_cast<long>(value.count()); };
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error_buffer());
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, ms(request.timeout.value_or(m_options.timeout)));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, ms(request.connect_timeout.value_or(m_options.connect_timeout)));
  curl_easy_setopt(easy, CURLOPT_USERAGENT, m_options.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  if (request.path_as_is) {
    curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L);
  }
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, m_options.insecure ? 0L : 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, m_options.insecure ? 0L : 2L);
  if (!m_options.ca_bundle.empty()) {
    curl_easy_setopt(easy, CURLOPT_CAINFO, m_options.ca_bundle.c_str());
  }
  if (!m_options.ca_pem.empty()) {
    curl_blob blob{const_cast<char*>(m_options.ca_pem.data()), m_options.ca_pem.size(), CURL_BLOB_NOCOPY};
    curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &blob);
  }
  if (!m_options.client_cert_pem.empty()) {
    curl_blob cert{const_cast<char*>(m_options.client_cert_pem.data()), m_options.client_cert_pem.size(),
                   CURL_BLOB_NOCOPY};
    curl_blob key{const_cast<char*>(m_options.client_key_pem.reveal().data()), m_options.client_key_pem.reveal().size(),
                  CURL_BLOB_NOCOPY};
    curl_easy_setopt(easy, CURLOPT_SSLCERT_BLOB, &cert);
    curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(easy, CURLOPT_SSLKEY_BLOB, &key);
    curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
  }

  std::string method = to_upper(request.method);
  if (method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (method != "GET") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  if (request.body_file) {
    std::FILE* file = std::fopen(request.body_file->path.c_str(), "rb");
    if (file == nullptr || std::fseek(file, static_cast<long>(request.body_file->offset), SEEK_SET) != 0) {
      if (file != nullptr) {
        std::fclose(file);
      }
      throw Error(ErrorKind::io, fmt::format("cannot read {}", request.body_file->path.string()));
    }
    std::error_code ec;
    auto size = std::filesystem::file_size(request.body_file->path, ec);
    std::uint64_t length = request.body_file->length.value_or(size - std::min(size, request.body_file->offset));
    transfer->set_upload(file, length);
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &Transfer::on_read);
    curl_easy_setopt(easy, CURLOPT_READDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
  } else if (!request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  if (request.response_file) {
    std::FILE* file = std::fopen(request.response_file->c_str(), "wb");
    if (file == nullptr) {
      throw Error(ErrorKind::io, fmt::format("cannot write {}", request.response_file->string()));
    }
    transfer->set_download(file);
  }

  curl_slist* headers = curl_slist_append(nullptr, "Expect:");
  for (const auto& header : request.headers) {
    std::string line = header.value.empty() ? header.name + ";" : header.name + ": " + header.value;
    headers = curl_slist_append(headers, line.c_str());
  }
  transfer->set_headers(headers);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  if (m_options.interrupted != nullptr) {
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, m_options.interrupted);
    curl_easy_setopt(
        easy, CURLOPT_XFERINFOFUNCTION, +[](void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> int {
          return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0;
        });
  }
  curl_multi_add_handle(multi, easy);
  return transfer;
}

Response CurlTransport::finish(Transfer& transfer, CURLcode code)
{
  transfer.close_files();
  Response response = std::move(transfer.response());
  long status = 0;
  curl_easy_getinfo(transfer.easy(), CURLINFO_RESPONSE_CODE, &status);
  long connect_code = 0;
  curl_easy_getinfo(transfer.easy(), CURLINFO_HTTP_CONNECTCODE, &connect_code);
  double connect_time = 0;
  curl_easy_getinfo(transfer.easy(), CURLINFO_CONNECT_TIME, &connect_time);
  response.status = status;
  response.error = classify(code, connect_time > 0);
  if (code == CURLE_WRITE_ERROR && (transfer.download_failed() || !transfer.too_large().empty())) {
    response.error = TransportError::other;
  }
  if (response.error != TransportError::none) {
    response.status = 0;
    const char* detail = transfer.error_buffer()[0] != '\0' ? transfer.error_buffer() : curl_easy_strerror(code);
    response.error_message = transfer.too_large().empty() ? redact_url(detail) : transfer.too_large();
  }
  return response;
}

std::vector<Response> CurlTransport::perform_all(std::span<const Request> requests, const FanOutOptions& options)
{
  std::vector<Response> results(requests.size());
  std::vector<int> attempts(requests.size(), 0);
  std::vector<SteadyTime> started(requests.size(), m_clock.steady_now());
  std::deque<std::size_t> ready;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    ready.push_back(i);
  }
  using Delayed = std::pair<SteadyTime, std::size_t>;
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed;
  std::vector<std::unique_ptr<Transfer>> active;
  std::size_t limit = std::max<std::size_t>(1, options.max_concurrency);

  CURLM* multi = take_multi();
  struct MultiReturn {
    CurlTransport* self;
    CURLM* multi;
    std::vector<std::unique_ptr<Transfer>>* active;
    ~MultiReturn()
    {
      for (auto& transfer : *active) {
        curl_multi_remove_handle(multi, transfer->easy());
      }
      active->clear();
      self->return_multi(multi);
    }
  } guard{this, multi, &active};

  while (!ready.empty() || !delayed.empty() || !active.empty()) {
    auto now = m_clock.steady_now();
    while (!delayed.empty() && delayed.top().first <= now) {
      ready.push_back(delayed.top().second);
      delayed.pop();
    }
    while (active.size() < limit && !ready.empty()) {
      std::size_t index = ready.front();
      ready.pop_front();
      if (attempts[index] == 0) {
        // Time spent queued behind the concurrency limit is not the request's.
        started[index] = m_clock.steady_now();
      }
      active.push_back(start(multi, index, requests[index], ++attempts[index]));
    }
    if (active.empty()) {
      if (!delayed.empty()) {
        m_clock.sleep_for(std::chrono::duration_cast<Millis>(delayed.top().first - now) + Millis(1));
      }
      continue;
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) {
        continue;
      }
      auto it = std::find_if(active.begin(), active.end(),
                             [&](const auto& transfer) { return transfer->easy() == message->easy_handle; });
      CURLcode code = message->data.result;
      curl_multi_remove_handle(multi, message->easy_handle);
      std::unique_ptr<Transfer> transfer = std::move(*it);
      active.erase(it);
      std::size_t index = transfer->index();
      const Request& request = requests[index];
      Response response = finish(*transfer, code);
      response.attempts = transfer->attempt();
      response.elapsed = elapsed_since(m_clock, started[index]);
      m_log.debug(fmt::format("http: {} {} -> {} ({} ms, attempt {})", request.method, redact_url(request.url),
                              response.transport_ok() ? std::to_string(response.status) : response.error_message,
                              response.elapsed.count(), response.attempts));
      if (auto wait = retry_delay(m_options.retry, request, response, transfer->attempt(), m_clock.now())) {
        m_log.debug(
            fmt::format("http: retrying {} {} in {} ms", request.method, redact_url(request.url), wait->count()));
        delayed.emplace(m_clock.steady_now() + *wait, index);
        continue;
      }
      results[index] = std::move(response);
      if (options.on_done) {
        options.on_done(index, results[index]);
      }
    }
    if (!active.empty() && running > 0) {
      int wait_ms = 100;
      if (!delayed.empty()) {
        auto until = std::chrono::duration_cast<Millis>(delayed.top().first - m_clock.steady_now()).count();
        wait_ms = static_cast<int>(std::clamp<long long>(until, 0, 100));
      }
      curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr);
    }
  }
  return results;
}

std::unique_ptr<Transport> make_curl_transport(TransportOptions options, const Clock& clock, Log& log)
{
  return std::make_unique<CurlTransport>(std::move(options), clock, log);
}

} // namespace credguard::http
