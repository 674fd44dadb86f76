// The server on an ephemeral port with a real client: headers, keep-alive, limits, timeouts,
// connection cap, concurrency, TLS and shutdown. The handler here is a plain lambda; the route
// table and gatekeeper are tested in dispatch_test.cc and routes_test.cc.
#include "orp/api/server.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "orp/api/response.h"
#include "orp/api/test_client.h"

namespace orp::api {
namespace {

using namespace std::chrono_literals;
using testing::Client;
using testing::RawExchange;
using testing::RawStatus;

// Answers with the method, path and body it received, and the request id.
HttpResponse Echo(const HttpRequest& request) {
  HttpResponse response =
      JsonResponse("{\"method\":\"" + request.method + "\",\"path\":\"" + request.path +
                   "\",\"bytes\":" + std::to_string(request.body.size()) + "}");
  response.route = request.path;
  return response;
}

std::unique_ptr<Server> StartEcho(ServerOptions options = {}, Metrics* metrics = nullptr) {
  options.port = 0;
  options.threads = 2;
  auto server = Server::Start(options, Echo, metrics);
  EXPECT_TRUE(server.has_value()) << server.error().ToString();
  return std::move(*server);
}

TEST(Server, AnswersWithSecurityHeadersAndARequestId) {
  auto server = StartEcho();
  Client client(server->port());
  auto r = client.Get("/hello?x=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"method":"GET","path":"/hello","bytes":0})");
  EXPECT_EQ(r.Header("Content-Security-Policy"), "default-src 'self'");
  EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.Header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(r.Header("X-Frame-Options"), "DENY");
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  EXPECT_EQ(r.Header("Strict-Transport-Security"), "");  // plain HTTP
  EXPECT_EQ(r.Header("X-Request-Id").size(), 16u);
}

TEST(Server, EchoesASaneRequestIdAndReplacesAnUnsafeOne) {
  auto server = StartEcho();
  Client client(server->port());
  EXPECT_EQ(client.Get("/", {{"X-Request-Id", "abc-123.x_y"}}).Header("X-Request-Id"),
            "abc-123.x_y");
  std::string replaced =
      client.Get("/", {{"X-Request-Id", "bad id<script>"}}).Header("X-Request-Id");
  EXPECT_NE(replaced, "bad id<script>");
  EXPECT_EQ(replaced.size(), 16u);
}

TEST(Server, KeepsTheConnectionAliveAcrossRequests) {
  auto server = StartEcho();
  Client client(server->port());
  for (int i = 0; i < 5; ++i) {
    auto r = client.Send("POST", "/echo", {}, std::string(100 * i, 'x'));
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.keep_alive);
    EXPECT_NE(r.body.find("\"bytes\":" + std::to_string(100 * i)), std::string::npos);
  }
}

TEST(Server, RefusesAHugeHeaderWith431AndStaysUp) {
  ServerOptions options;
  options.max_header_bytes = 1024;
  auto server = StartEcho(options);
  std::string reply = RawExchange(
      server->port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  EXPECT_EQ(RawStatus(reply), 431);
  EXPECT_NE(reply.find("\"code\":\"HEADERS_TOO_LARGE\""), std::string::npos);
  EXPECT_NE(reply.find("\"request_id\":\""), std::string::npos);
  EXPECT_EQ(Client(server->port()).Get("/").status, 200);
}

TEST(Server, RefusesABodyOverTheLimitWith413) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  auto server = StartEcho(options);
  std::string reply =
      RawExchange(server->port(), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
  EXPECT_EQ(RawStatus(reply), 413);
  EXPECT_NE(reply.find("PAYLOAD_TOO_LARGE"), std::string::npos);
  EXPECT_EQ(Client(server->port()).Send("POST", "/", {}, std::string(1000, 'y')).status, 200);
}

TEST(Server, RefusesMalformedHttpWith400) {
  auto server = StartEcho();
  EXPECT_EQ(RawStatus(RawExchange(server->port(), "GET / HTTP/1.1\r\nBad Header\r\n\r\n")), 400);
}

TEST(Server, ASlowBodyGets408WhileOtherClientsAreServed) {
  ServerOptions options;
  options.read_timeout = 300ms;
  auto server = StartEcho(options);
  std::string slow_reply;
  std::thread slow([&] {
    // Promises 100 bytes, sends 10, then nothing.
    slow_reply = RawExchange(server->port(),
                             "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
  });
  auto started = std::chrono::steady_clock::now();
  Client other(server->port());
  while (std::chrono::steady_clock::now() - started < 200ms) {
    EXPECT_EQ(other.Get("/meanwhile").status, 200);
  }
  slow.join();
  EXPECT_EQ(RawStatus(slow_reply), 408);
  EXPECT_NE(slow_reply.find("REQUEST_TIMEOUT"), std::string::npos);
}

TEST(Server, ClosesAnIdleKeepAliveConnectionWithoutAnswer) {
  ServerOptions options;
  options.idle_timeout = 200ms;
  auto server = StartEcho(options);
  EXPECT_EQ(RawExchange(server->port(), ""), "");  // read until the server closes
}

TEST(Server, AnswersConnectionsOverTheLimitWith503) {
  ServerOptions options;
  options.max_connections = 2;
  Metrics metrics;
  auto server = StartEcho(options, &metrics);
  Client first(server->port());
  Client second(server->port());
  EXPECT_EQ(first.Get("/").status, 200);
  EXPECT_EQ(second.Get("/").status, 200);
  std::string reply = RawExchange(server->port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(RawStatus(reply), 503);
  EXPECT_NE(reply.find("OVERLOADED"), std::string::npos);
  EXPECT_NE(reply.find("\r\nRetry-After: 1\r\n"), std::string::npos) << reply;
  EXPECT_EQ(metrics.open_connections(), 2);
}

TEST(Server, ServesManyConcurrentClients) {
  auto server = StartEcho();
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      Client client(server->port());
      for (int i = 0; i < 50; ++i) ok += client.Get("/c").status == 200;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 400);
}

TEST(Server, StopClosesIdleConnectionsAndReturnsPromptly) {
  auto server = StartEcho();
  Client idle(server->port());
  EXPECT_EQ(idle.Get("/").status, 200);
  auto started = std::chrono::steady_clock::now();
  server->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(Server, RefusesAnUnparsableListenAddress) {
  ServerOptions options;
  options.address = "not-an-address";
  auto server = Server::Start(options, Echo, nullptr);
  ASSERT_FALSE(server.has_value());
  EXPECT_EQ(server.error().code(), ErrorCode::kInvalidArgument);
}

// A self-signed certificate for 127.0.0.1, made with OpenSSL so no key is committed.
void WriteSelfSignedCertificate(const std::filesystem::path& cert,
                                const std::filesystem::path& key) {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  ASSERT_NE(pkey, nullptr);
  X509* x509 = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
  X509_gmtime_adj(X509_getm_notBefore(x509), 0);
  X509_gmtime_adj(X509_getm_notAfter(x509), 3600);
  X509_set_pubkey(x509, pkey);
  X509_NAME* name = X509_get_subject_name(x509);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(x509, name);
  ASSERT_GT(X509_sign(x509, pkey, EVP_sha256()), 0);
  FILE* f = std::fopen(cert.c_str(), "w");
  PEM_write_X509(f, x509);
  std::fclose(f);
  f = std::fopen(key.c_str(), "w");
  PEM_write_PrivateKey(f, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(x509);
  EVP_PKEY_free(pkey);
}

TEST(Server, ServesOverTlsWithHsts) {
  auto dir = std::filesystem::temp_directory_path() / ("orp_tls_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  WriteSelfSignedCertificate(dir / "cert.pem", dir / "key.pem");
  ServerOptions options;
  options.tls_cert_file = dir / "cert.pem";
  options.tls_key_file = dir / "key.pem";
  auto server = StartEcho(options);
  ASSERT_TRUE(server->tls());

  namespace asio = boost::asio;
  namespace http = boost::beast::http;
  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.load_verify_file(options.tls_cert_file);
  context.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<asio::ip::tcp::socket> stream(io, context);
  stream.next_layer().connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server->port()));
  stream.handshake(asio::ssl::stream_base::client);
  http::request<http::string_body> request(http::verb::get, "/secure", 11);
  request.set(http::field::host, "127.0.0.1");
  http::write(stream, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  auto r = testing::FromBeast(response);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("/secure"), std::string::npos);
  EXPECT_EQ(r.Header("Strict-Transport-Security"), "max-age=31536000; includeSubDomains");
  std::filesystem::remove_all(dir);
}

// Over the connection limit with TLS: the server shakes hands and answers 503 with Retry-After
// (and HSTS), then closes, while the connection within the limit goes on being served.
TEST(Server, AnswersTlsConnectionsOverTheLimitWith503AfterTheHandshake) {
  auto dir = std::filesystem::temp_directory_path() / ("orp_tls_cap_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  WriteSelfSignedCertificate(dir / "cert.pem", dir / "key.pem");
  ServerOptions options;
  options.tls_cert_file = dir / "cert.pem";
  options.tls_key_file = dir / "key.pem";
  options.max_connections = 1;
  Metrics metrics;
  auto server = StartEcho(options, &metrics);

  namespace asio = boost::asio;
  namespace http = boost::beast::http;
  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.load_verify_file(options.tls_cert_file);
  context.set_verify_mode(asio::ssl::verify_peer);
  auto connect = [&](asio::ssl::stream<asio::ip::tcp::socket>& stream) {
    stream.next_layer().connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server->port()));
    stream.handshake(asio::ssl::stream_base::client);
  };
  auto get = [](asio::ssl::stream<asio::ip::tcp::socket>& stream) {
    http::request<http::string_body> request(http::verb::get, "/x", 11);
    request.set(http::field::host, "127.0.0.1");
    http::write(stream, request);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    return testing::FromBeast(response);
  };
  asio::ssl::stream<asio::ip::tcp::socket> first(io, context);
  connect(first);
  EXPECT_EQ(get(first).status, 200);
  for (int attempt = 0; attempt < 3; ++attempt) {
    asio::ssl::stream<asio::ip::tcp::socket> over(io, context);
    connect(over);  // the handshake succeeds: the refusal is an HTTP answer
    auto refused = get(over);
    EXPECT_EQ(refused.status, 503);
    EXPECT_NE(refused.body.find("OVERLOADED"), std::string::npos) << refused.body;
    EXPECT_EQ(refused.Header("Retry-After"), "1");
    EXPECT_EQ(refused.Header("Strict-Transport-Security"), "max-age=31536000; includeSubDomains");
  }
  EXPECT_EQ(get(first).status, 200) << "the connection within the limit is still served";
  EXPECT_EQ(metrics.open_connections(), 1);
  std::filesystem::remove_all(dir);
}

TEST(Server, RefusesAMissingTlsKey) {
  ServerOptions options;
  options.tls_cert_file = "/nonexistent/cert.pem";
  auto server = Server::Start(options, Echo, nullptr);
  ASSERT_FALSE(server.has_value());
  EXPECT_EQ(server.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace orp::api
