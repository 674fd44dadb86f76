// Internal to the server (server.cc, session.cc): the state behind Server and the connection
// sessions. Includes Asio; nothing outside those two files includes this.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "orp/api/server.h"

namespace orp::api {

// What Stop needs of a live connection.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection if it is waiting for a new request (not mid-request). Any thread.
  virtual void CloseIfIdle() = 0;
};

class Server::Impl {
 public:
  Impl(const ServerOptions& options, RequestHandler handler, Metrics* metrics);

  Result<void> LoadTls();
  Result<void> Listen();
  void Accept();
  void RequestStop();
  void CloseIdleSessions();
  void Observe(std::string_view method, std::string_view route, int status, double seconds);
  void Register(uint64_t id, std::weak_ptr<SessionBase> session);
  void Unregister(uint64_t id);

  const ServerOptions options;
  const RequestHandler handler;
  Metrics* const metrics;

  // Declared before the io_context so that sessions destroyed with it can still unregister.
  std::mutex sessions_mutex;
  std::map<uint64_t, std::weak_ptr<SessionBase>> sessions;
  std::atomic<uint64_t> next_session{1};
  std::atomic<int64_t> open{0};
  std::atomic<int> rejecting{0};  // TLS connections over the limit being answered 503

  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stop_requested = false;  // by a signal; Wait() then stops
  bool stopped = false;
  std::atomic<bool> stopping{false};  // no new requests on kept-alive connections

  boost::asio::io_context ioc;
  std::optional<boost::asio::ssl::context> ssl;
  boost::asio::ip::tcp::acceptor acceptor;
  boost::asio::signal_set signals;
  uint16_t bound_port = 0;
  std::vector<std::thread> threads;
};

// Starts serving one accepted connection (TLS when the server has a TLS context).
void StartSession(Server::Impl& server, boost::asio::ip::tcp::socket socket);

}  // namespace orp::api
