// Server: the HTTP/1.1 server (Boost.Beast over Asio, optionally TLS through OpenSSL) that reads
// requests, hands each to a RequestHandler (normally a Dispatcher) and writes the answer.
// Beast stays inside server.cc; this header is plain.
//
// Model: one io_context run by a fixed pool of `threads`; each connection is a chain of
// asynchronous operations on its own strand, so a slow client holds a socket, never a thread.
// The handler runs on a pool thread (it may block on the store); keep-alive is honoured.
//
// Limits, each answered and then the connection closed:
//   header larger than max_header_bytes            431 HEADERS_TOO_LARGE
//   body larger than max_body_bytes                413 PAYLOAD_TOO_LARGE
//   a request started but not complete in time     408 REQUEST_TIMEOUT
//     (header: idle_timeout from the end of the previous response; body: read_timeout)
//   a response not written within write_timeout    connection closed
//   an idle keep-alive connection past idle_timeout  closed silently
//   more than max_connections open                 503 OVERLOADED with Retry-After: 1
//                                                  (over TLS after a handshake, at most 32 such
//                                                  handshakes at once, 5 s each; beyond that the
//                                                  socket is closed unanswered)
//   a malformed request                            400 BAD_REQUEST
// Every response carries the request id and the security headers (response.h); every request
// is logged (spdlog: request id, method, route pattern, status, milliseconds — never the raw
// path or query, which may hold identifiers) and counted in Metrics.
//
// Errors: Start fails with kInvalidArgument for a bad address or TLS file, kUnavailable when
// the port cannot be bound. Thread safety: Stop and port() may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "orp/api/http.h"
#include "orp/api/metrics.h"
#include "orp/core/result.h"

namespace orp::api {

using RequestHandler = std::function<HttpResponse(const HttpRequest&)>;

// Handlers block on the store (an audited read waits for its audit entry's commit, a fsync), so
// the default pool is larger than the core count: while one thread waits on the disk others
// serve, and audit appends that arrive together share one commit (security::AuditLog group
// commit; bench/audit_servers.sh: two servers of 8 threads each served about twice the
// audited reads of 2 threads each, on 2 cores).
inline constexpr int kDefaultThreadsPerCore = 4;
inline constexpr int kMinDefaultThreads = 8;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (tests); port() tells which
  int threads = 0;       // 0: kDefaultThreadsPerCore per core, at least kMinDefaultThreads
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = size_t{64} << 20;
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds read_timeout{60'000};
  std::chrono::milliseconds write_timeout{30'000};
  int max_connections = 1000;
  // Both or neither: PEM certificate chain and private key. Set: the server speaks only TLS.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Stop gracefully on SIGINT or SIGTERM (orp serve); tests leave it off.
  bool stop_on_signals = false;
  // How long Stop lets requests in progress finish before closing their connections.
  std::chrono::milliseconds shutdown_grace{5'000};
  // A request slower than this (header received to response written) is logged at warn level
  // with where its time went (request_phases.h): recall, #8. 0: never.
  std::chrono::milliseconds slow_request{100};
};

class Server {
 public:
  // Binds, listens and starts the thread pool; requests are served when this returns.
  // `metrics` may be null; otherwise it must outlive the server.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, RequestHandler handler,
                                               Metrics* metrics);

  // Stops (as Stop) and joins the threads.
  ~Server();

  // The bound port (useful with port 0).
  uint16_t port() const;
  bool tls() const;

  // Stops accepting, closes idle connections, lets requests in progress finish (up to
  // shutdown_grace), then stops the pool. Idempotent.
  void Stop();
  // Blocks until the server has stopped (by Stop or a signal).
  void Wait();

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace orp::api
