// The Beast side of the server: listener, connection sessions (plain and TLS), timeouts and
// limits. See server.h for the behaviour; this file is the only one that includes Beast
// besides beast_impl.cc (which compiles Asio and Beast once, BOOST_*_SEPARATE_COMPILATION).
#include "orp/api/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "orp/api/response.h"
#include "orp/api/server_session.h"

namespace orp::api {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Server::Impl::Impl(const ServerOptions& o, RequestHandler h, Metrics* m)
    // The acceptor lives on its own strand: its completion handler (which starts the next
    // accept) and Stop's close never run at once on two threads.
    : options(o),
      handler(std::move(h)),
      metrics(m),
      acceptor(asio::make_strand(ioc)),
      signals(ioc) {}

void Server::Impl::Observe(std::string_view method, std::string_view route, int status,
                           double seconds) {
  if (metrics != nullptr) metrics->Observe(method, route, status, seconds);
}

void Server::Impl::Register(uint64_t id, std::weak_ptr<SessionBase> session) {
  std::lock_guard lock(sessions_mutex);
  sessions.emplace(id, std::move(session));
}

void Server::Impl::Unregister(uint64_t id) {
  std::lock_guard lock(sessions_mutex);
  sessions.erase(id);
}

namespace {

// The whole answer to a connection over the limit: 503 with Retry-After, then close.
std::string OverloadedText(Server::Impl& server) {
  std::string request_id = RequestIdFor("");
  HttpResponse response =
      ErrorResponse(503, "OVERLOADED", "too many connections; retry shortly", request_id);
  AddStandardHeaders(response, request_id, server.ssl.has_value());
  // Clients and load balancers back off this long before trying again.
  response.headers.emplace_back("Retry-After", "1");
  std::string text = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n";
  for (const auto& [name, value] : response.headers) text += name + ": " + value + "\r\n";
  text += "Connection: close\r\nContent-Length: " + std::to_string(response.body.size()) +
          "\r\n\r\n" + response.body;
  server.Observe("-", "-", 503, 0);
  return text;
}

// A connection over the limit gets a short 503 with Retry-After and is closed; it never becomes a
// session.
void RejectOverloaded(Server::Impl& server, tcp::socket socket) {
  auto owned = std::make_shared<std::pair<tcp::socket, std::string>>(std::move(socket),
                                                                     OverloadedText(server));
  asio::async_write(owned->first, asio::buffer(owned->second),
                    [owned](boost::system::error_code, size_t) {
                      boost::system::error_code ignored;
                      owned->first.shutdown(tcp::socket::shutdown_both, ignored);
                      owned->first.close(ignored);
                    });
}

// Over TLS the 503 can only be read after a handshake, which costs the server a private-key
// operation: the rejection shakes hands (within kTlsRejectTimeout, or the socket is closed),
// writes the 503 and closes. At most kMaxTlsRejections run at once; past that the socket is
// closed unanswered, so a flood of connections cannot turn the refusal itself into the load.
constexpr int kMaxTlsRejections = 32;
constexpr auto kTlsRejectTimeout = std::chrono::seconds(5);

class TlsRejection : public std::enable_shared_from_this<TlsRejection> {
 public:
  TlsRejection(Server::Impl& server, tcp::socket socket)
      : server_(server),
        timer_(socket.get_executor()),
        stream_(std::move(socket), *server.ssl),
        text_(OverloadedText(server)) {
    server_.rejecting.fetch_add(1);
  }
  ~TlsRejection() { server_.rejecting.fetch_sub(1); }

  void Start() {
    timer_.expires_after(kTlsRejectTimeout);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->Close();
    });
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = shared_from_this()](boost::system::error_code ec) {
                              if (ec) return self->Close();
                              self->Write();
                            });
  }

 private:
  void Write() {
    asio::async_write(
        stream_, asio::buffer(text_),
        [self = shared_from_this()](boost::system::error_code ec, size_t) {
          if (ec) return self->Close();
          self->stream_.async_shutdown([self](boost::system::error_code) { self->Close(); });
        });
  }
  void Close() {
    boost::system::error_code ignored;
    timer_.cancel();
    stream_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.next_layer().close(ignored);
  }

  Server::Impl& server_;
  asio::steady_timer timer_;
  asio::ssl::stream<tcp::socket> stream_;
  std::string text_;
};

void RejectOverloadedTls(Server::Impl& server, tcp::socket socket) {
  if (server.rejecting.load() >= kMaxTlsRejections) {
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  std::make_shared<TlsRejection>(server, std::move(socket))->Start();
}

}  // namespace

void Server::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(ioc),  // each connection on a strand of its own
                        [this](boost::system::error_code ec, tcp::socket socket) {
                          if (ec) {
                            if (!stopping && ec != asio::error::operation_aborted) Accept();
                            return;
                          }
                          if (open.load() >= options.max_connections) {
                            if (ssl) {
                              RejectOverloadedTls(*this, std::move(socket));
                            } else {
                              RejectOverloaded(*this, std::move(socket));
                            }
                          } else {
                            StartSession(*this, std::move(socket));
                          }
                          Accept();
                        });
}

void Server::Impl::RequestStop() {
  std::lock_guard lock(stop_mutex);
  stop_requested = true;
  stop_cv.notify_all();
}

void Server::Impl::CloseIdleSessions() {
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(sessions_mutex);
    for (auto& [id, weak] : sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->CloseIfIdle();
}

Result<void> Server::Impl::Listen() {
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(options.address, ec);
  if (ec)
    return InvalidArgument(
        fmt::format("listen address '{}' is not an IP address", options.address));
  tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) bound_port = acceptor.local_endpoint(ec).port();
  if (ec) {
    return Unavailable(
        fmt::format("cannot listen on {}:{}: {}", options.address, options.port, ec.message()));
  }
  return {};
}

Result<void> Server::Impl::LoadTls() {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return InvalidArgument("TLS needs both a certificate (--tls-cert) and a key (--tls-key)");
  }
  if (options.tls_cert_file.empty()) return {};
  ssl.emplace(asio::ssl::context::tls_server);
  ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  ssl->use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec) {
    return InvalidArgument(
        fmt::format("TLS certificate {}: {}", options.tls_cert_file, ec.message()));
  }
  ssl->use_private_key_file(options.tls_key_file, asio::ssl::context::pem, ec);
  if (ec) {
    return InvalidArgument(fmt::format("TLS key {}: {}", options.tls_key_file, ec.message()));
  }
  return {};
}

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, RequestHandler handler,
                                              Metrics* metrics) {
  auto impl = std::make_unique<Impl>(options, std::move(handler), metrics);
  ORP_RETURN_IF_ERROR(impl->LoadTls());
  ORP_RETURN_IF_ERROR(impl->Listen());
  Impl* raw = impl.get();
  if (options.stop_on_signals) {
    impl->signals.add(SIGINT);
    impl->signals.add(SIGTERM);
    impl->signals.async_wait([raw](boost::system::error_code ec, int signal) {
      if (ec) return;
      spdlog::info("signal {}: stopping (requests in progress may finish)", signal);
      raw->RequestStop();
    });
  }
  impl->Accept();
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  int threads = options.threads > 0 ? options.threads
                                    : std::max(kMinDefaultThreads, kDefaultThreadsPerCore * cores);
  for (int i = 0; i < std::max(threads, 1); ++i) {
    impl->threads.emplace_back([raw] { raw->ioc.run(); });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

uint16_t Server::port() const { return impl_->bound_port; }

bool Server::tls() const { return impl_->ssl.has_value(); }

void Server::Stop() {
  Impl& s = *impl_;
  if (s.stopping.exchange(true)) {
    std::unique_lock lock(s.stop_mutex);
    s.stop_cv.wait(lock, [&] { return s.stopped; });
    return;
  }
  asio::post(s.acceptor.get_executor(), [&s] {
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
    s.signals.cancel(ignored);
  });
  s.CloseIdleSessions();
  auto deadline = std::chrono::steady_clock::now() + s.options.shutdown_grace;
  while (s.open.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    s.CloseIdleSessions();
  }
  s.ioc.stop();
  for (std::thread& t : s.threads) t.join();
  std::lock_guard lock(s.stop_mutex);
  s.stopped = true;
  s.stop_cv.notify_all();
}

void Server::Wait() {
  {
    std::unique_lock lock(impl_->stop_mutex);
    impl_->stop_cv.wait(lock, [this] { return impl_->stop_requested || impl_->stopped; });
  }
  Stop();
}

}  // namespace orp::api
