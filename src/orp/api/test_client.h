// Test-only: a small synchronous HTTP client (Beast) and raw-socket helpers for exercising a
// running Server on 127.0.0.1. Included only by *_test.cc files.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace orp::api::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names as sent by the server
  std::string body;
  bool keep_alive = false;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

inline ClientResponse FromBeast(const http::response<http::string_body>& r) {
  ClientResponse out;
  out.status = static_cast<int>(r.result_int());
  for (const auto& field : r) out.headers[std::string(field.name_string())] = std::string(field.value());
  out.body = r.body();
  out.keep_alive = r.keep_alive();
  return out;
}

// One keep-alive connection; Send may be called repeatedly. Throws on network errors (tests).
class Client {
 public:
  explicit Client(uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  ClientResponse Send(const std::string& method, const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers = {},
                      const std::string& body = "") {
    http::request<http::string_body> request(http::string_to_verb(method), target, 11);
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    http::write(socket_, request);
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 30);
    http::read(socket_, buffer_, parser);
    return FromBeast(parser.get());
  }

  ClientResponse Get(const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return Send("GET", target, headers);
  }

  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

// Writes `bytes` on a new connection and returns everything the server sends until it closes.
inline std::string RawExchange(uint16_t port, const std::string& bytes) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(bytes), ec);
  std::string out;
  char chunk[4096];
  for (;;) {
    size_t n = socket.read_some(asio::buffer(chunk), ec);
    out.append(chunk, n);
    if (ec) break;
  }
  return out;
}

// The status code of a raw HTTP response ("HTTP/1.1 431 ..." -> 431), 0 if none.
inline int RawStatus(const std::string& response) {
  if (response.size() < 12 || !response.starts_with("HTTP/1.1 ")) return 0;
  return std::stoi(response.substr(9, 3));
}

}  // namespace orp::api::testing
