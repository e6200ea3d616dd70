#include <credguard/core/error.hpp>
#include <credguard/drift/pipeline.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

namespace credguard::drift {

LineMap::LineMap(std::uint64_t first_line, std::vector<std::uint64_t> chunk_lines)
{
  m_starts.reserve(chunk_lines.size() + 1);
  std::uint64_t start = first_line;
  for (auto lines : chunk_lines) {
    m_starts.push_back(start);
    start += lines;
  }
  m_starts.push_back(start);
}

std::uint64_t LineMap::absolute(std::size_t chunk, std::uint64_t line) const
{
  return m_starts.at(std::min(chunk, m_starts.size() - 1)) + line;
}

namespace {

constexpr std::size_t k_no_error = std::numeric_limits<std::size_t>::max();

// The state shared by the reader and the workers of one pass.
class Pass {
public:
  Pass(ChunkWork& work, std::size_t capacity)
    : m_work(work)
    , m_capacity(capacity)
  {}

  // Runs one chunk; records its lines or its error.
  void run(const RowChunk& chunk, std::size_t index)
  {
    if (index > m_error_index.load()) {
      return; // an earlier chunk is malformed: nothing after it matters
    }
    try {
      auto lines = m_work.run(chunk, index);
      std::lock_guard lock(m_mutex);
      if (m_lines.size() <= index) {
        m_lines.resize(index + 1);
      }
      m_lines[index] = lines;
    } catch (const ChunkError& e) {
      fail(index, ChunkFailure{e.line(), e.what()}, nullptr);
    } catch (...) {
      fail(index, std::nullopt, std::current_exception());
    }
  }

  // Queues a chunk; waits while the queue is full. False once a chunk failed.
  bool push(std::unique_ptr<RowChunk> chunk, std::size_t index)
  {
    std::unique_lock lock(m_mutex);
    m_not_full.wait(lock, [&] { return m_queue.size() < m_capacity || m_error_index.load() != k_no_error; });
    if (m_error_index.load() != k_no_error) {
      return false;
    }
    m_queue.emplace_back(index, std::move(chunk));
    m_not_empty.notify_one();
    return true;
  }

  void close()
  {
    std::lock_guard lock(m_mutex);
    m_closed = true;
    m_not_empty.notify_all();
  }

  void worker()
  {
    while (true) {
      std::unique_lock lock(m_mutex);
      m_not_empty.wait(lock, [&] { return !m_queue.empty() || m_closed; });
      if (m_queue.empty()) {
        return;
      }
      auto [index, chunk] = std::move(m_queue.front());
      m_queue.pop_front();
      m_not_full.notify_one();
      lock.unlock();
      run(*chunk, index);
    }
  }

  bool failed() const { return m_error_index.load() != k_no_error; }

  // After all workers ended: throws the earliest failure.
  void rethrow(const RowSource& source, std::uint64_t first_line)
  {
    if (!failed()) {
      return;
    }
    if (m_exception) {
      std::rethrow_exception(m_exception);
    }
    LineMap lines(first_line, chunk_lines());
    throw Error(ErrorKind::data, fmt::format("{}:{}: {}", source.name(), lines.absolute(m_error_index, m_failure->line),
                                             m_failure->message));
  }

  std::vector<std::uint64_t> chunk_lines() const { return m_lines; }

private:
  struct ChunkFailure {
    std::uint64_t line;
    std::string message;
  };

  void fail(std::size_t index, std::optional<ChunkFailure> failure, std::exception_ptr exception)
  {
    std::lock_guard lock(m_mutex);
    if (index < m_error_index.load()) {
      m_error_index = index;
      m_failure = std::move(failure);
      m_exception = std::move(exception);
    }
    m_not_full.notify_all();
  }

  ChunkWork& m_work;
  std::size_t m_capacity;
  std::mutex m_mutex;
  std::condition_variable m_not_empty;
  std::condition_variable m_not_full;
  std::deque<std::pair<std::size_t, std::unique_ptr<RowChunk>>> m_queue;
  bool m_closed = false;
  std::vector<std::uint64_t> m_lines;
  std::atomic<std::size_t> m_error_index{k_no_error};
  std::optional<ChunkFailure> m_failure;
  std::exception_ptr m_exception;
};

} // namespace

LineMap for_each_chunk(RowSource& source, ChunkWork& work, unsigned threads)
{
  threads = std::max(1U, threads);
  Pass pass(work, 2 * static_cast<std::size_t>(threads));
  auto first = source.next_chunk();
  if (first == nullptr) {
    return LineMap(source.first_line(), {});
  }
  pass.run(*first, 0);
  first.reset();
  std::exception_ptr reader_error;
  if (!pass.failed()) {
    std::vector<std::thread> workers;
    workers.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) {
      workers.emplace_back([&pass] { pass.worker(); });
    }
    try {
      for (std::size_t index = 1;; ++index) {
        auto chunk = source.next_chunk();
        if (chunk == nullptr || !pass.push(std::move(chunk), index)) {
          break;
        }
      }
    } catch (...) {
      reader_error = std::current_exception();
    }
    pass.close();
    for (auto& worker : workers) {
      worker.join();
    }
  }
  // A malformed row comes before any later read failure.
  pass.rethrow(source, source.first_line());
  if (reader_error) {
    std::rethrow_exception(reader_error);
  }
  return LineMap(source.first_line(), pass.chunk_lines());
}

void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& task)
{
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr error;
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        task(i);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!error) {
          error = std::current_exception();
        }
      }
    }
  };
  std::size_t extra = std::min<std::size_t>(std::max(1U, threads), count) - (count > 0 ? 1 : 0);
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < extra; ++i) {
    workers.emplace_back(worker);
  }
  worker();
  for (auto& w : workers) {
    w.join();
  }
  if (error) {
    std::rethrow_exception(error);
  }
}

} // namespace credguard::drift
