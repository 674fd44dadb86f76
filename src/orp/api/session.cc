// One client connection: read a request (header, then body), hand it to the handler, write the
// answer, repeat while keep-alive. Every wait has a deadline (a timer that cancels the socket),
// so a slow or silent client costs a socket and a timer, never a thread. See server.h.
#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <exception>
#include <type_traits>

#include "orp/api/request_phases.h"
#include "orp/api/response.h"
#include "orp/api/server_session.h"

namespace orp::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// The status line reason and error code for what the server itself refuses.
struct Refusal {
  int status;
  std::string_view code;
  std::string_view message;
};

std::optional<Refusal> RefusalFor(const error_code& ec) {
  // The client closed the connection (between requests, or in the middle of one): nobody to
  // answer.
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) {
    return std::nullopt;
  }
  if (ec == http::error::header_limit) {
    return Refusal{431, "HEADERS_TOO_LARGE", "the request header is larger than allowed"};
  }
  if (ec == http::error::body_limit) {
    return Refusal{413, "PAYLOAD_TOO_LARGE", "the request body is larger than allowed"};
  }
  if (ec.category() ==
      http::make_error_code(http::error::header_limit).category()) {  // any other parse error
    return Refusal{400, "BAD_REQUEST", "the request is not valid HTTP/1.1"};
  }
  return std::nullopt;
}

HttpRequest ToHttpRequest(http::request<http::string_body>&& message, std::string remote,
                          bool tls) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  std::string_view target(message.target().data(), message.target().size());
  size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers[std::move(name)] = std::string(field.value());
  }
  request.body = std::move(message.body());
  request.remote_address = std::move(remote);
  request.tls = tls;
  request.request_id = RequestIdFor(request.Header("x-request-id"));
  return request;
}

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  template <class... Args>
  Session(Server::Impl& server, tcp::socket socket, Args&&... args)
      : server_(server),
        stream_(std::move(socket), std::forward<Args>(args)...),
        timer_(stream_.get_executor()),
        id_(server.next_session++) {
    error_code ec;
    auto endpoint = beast::get_lowest_layer(stream_).remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string();
    server_.open.fetch_add(1);
    if (server_.metrics != nullptr) server_.metrics->ConnectionOpened();
  }

  ~Session() override {
    server_.Unregister(id_);
    server_.open.fetch_sub(1);
    if (server_.metrics != nullptr) server_.metrics->ConnectionClosed();
  }

  // Called from the acceptor's strand: everything after registration runs on this
  // connection's strand, so Stop's CloseIfIdle never races the first read.
  void Start() {
    server_.Register(id_, this->weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->Run(); });
  }

  void CloseIfIdle() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->idle_) {
        error_code ignored;
        beast::get_lowest_layer(self->stream_).cancel(ignored);
      }
    });
  }

 private:
  void Run() {
    if constexpr (kTls) {
      Arm(server_.options.read_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code ec) {
                                self->Disarm();
                                if (ec) return self->Close();
                                self->ReadHeader();
                              });
    } else {
      ReadHeader();
    }
  }

  // Deadlines: a generation number makes a timer that fired after its operation finished
  // harmless (both run on this connection's strand).
  void Arm(std::chrono::milliseconds timeout) {
    uint64_t generation = ++generation_;
    timed_out_ = false;
    timer_.expires_after(timeout);
    timer_.async_wait([self = this->shared_from_this(), generation](error_code ec) {
      if (ec || generation != self->generation_) return;
      self->timed_out_ = true;
      error_code ignored;
      beast::get_lowest_layer(self->stream_).cancel(ignored);
    });
  }

  void Disarm() {
    ++generation_;
    timer_.cancel();
  }

  void ReadHeader() {
    if (server_.stopping) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.max_body_bytes);
    idle_ = true;
    Arm(server_.options.idle_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(error_code ec) {
    idle_ = false;
    Disarm();
    started_ = Clock::now();
    if (ec) return OnReadError(ec);
    auto& header = parser_->get();
    if (beast::iequals(header[http::field::expect], "100-continue") && !parser_->is_done()) {
      Arm(server_.options.write_timeout);
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = this->shared_from_this()](error_code write_ec, size_t) {
                          self->Disarm();
                          if (write_ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return Handle();
    Arm(server_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](error_code ec, size_t) {
                       self->Disarm();
                       if (ec) return self->OnReadError(ec);
                       self->Handle();
                     });
  }

  void OnReadError(error_code ec) {
    std::optional<Refusal> refusal = RefusalFor(ec);
    if (timed_out_) {
      // Silence on an idle keep-alive connection is not an error; a request started and not
      // finished in time is.
      if (!parser_->got_some()) return Close();
      refusal = Refusal{408, "REQUEST_TIMEOUT", "the request was not received in time"};
    }
    if (!refusal) return Close();  // the client went away, or shutdown closed an idle one
    auto client_id = parser_->get()["X-Request-Id"];
    std::string request_id = RequestIdFor(std::string_view(client_id.data(), client_id.size()));
    HttpResponse response =
        ErrorResponse(refusal->status, refusal->code, refusal->message, request_id);
    response.route = std::string("-");  // not = "-": GCC 12 -Wrestrict false positive
    Send(std::move(response), request_id, std::string(parser_->get().method_string()), false);
  }

  void Handle() {
    phases::Begin();
    read_ = Clock::now() - started_;
    bool keep_alive = parser_->get().keep_alive() && !server_.stopping;
    HttpRequest request = ToHttpRequest(parser_->release(), remote_, kTls);
    HttpResponse response;
    try {
      response = server_.handler(request);
    } catch (const std::exception&) {
      response = ErrorResponse(500, "INTERNAL", "the server failed; quote the request id",
                               request.request_id);
      response.route = std::string("-");  // not = "-": GCC 12 -Wrestrict false positive
    }
    Send(std::move(response), request.request_id, request.method, keep_alive);
  }

  void Send(HttpResponse response, const std::string& request_id, const std::string& method,
            bool keep_alive) {
    AddStandardHeaders(response, request_id, kTls);
    double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    server_.Observe(method.empty() ? "-" : method, response.route, response.status, seconds);
    spdlog::info("request_id={} method={} route={} status={} ms={:.2f}", request_id, method,
                 response.route, response.status, seconds * 1000);
    phases::Mark("respond");
    sent_ = Clock::now();
    slow_ = {request_id, response.route, phases::Summary()};
    phases::Begin();  // a refusal sent without Handle must not report the last request's phases
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(http::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) response_.set(name, value);
    response_.body() = std::move(response.body);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    Arm(server_.options.write_timeout);
    http::async_write(stream_, response_,
                      [self = this->shared_from_this(), keep_alive](error_code ec, size_t) {
                        self->Disarm();
                        self->LogIfSlow();
                        if (ec) return self->Close();
                        if (!keep_alive) return self->Shutdown();
                        self->ReadHeader();
                      });
  }

  // The warn line for a request slower than options.slow_request, header to response written:
  // request id, route pattern and milliseconds per phase (never a parameter or identifier).
  void LogIfSlow() {
    const auto threshold = server_.options.slow_request;
    const Clock::duration total = Clock::now() - started_;
    if (threshold.count() <= 0 || total < threshold) return;
    auto ms = [](Clock::duration d) {
      return std::chrono::duration<double, std::milli>(d).count();
    };
    spdlog::warn(
        "slow request request_id={} route={} ms={:.2f} phases: read={:.2f} {} write={:.2f}",
        slow_.request_id, slow_.route, ms(total), ms(read_), slow_.phases,
        ms(Clock::now() - sent_));
  }

  void Shutdown() {
    if constexpr (kTls) {
      Arm(std::chrono::milliseconds(1000));
      stream_.async_shutdown([self = this->shared_from_this()](error_code) {
        self->Disarm();
        self->Close();
      });
    } else {
      error_code ignored;
      stream_.shutdown(tcp::socket::shutdown_send, ignored);
      Close();
    }
  }

  void Close() {
    Disarm();
    error_code ignored;
    beast::get_lowest_layer(stream_).close(ignored);
  }

  Server::Impl& server_;
  Stream stream_;
  asio::steady_timer timer_;
  const uint64_t id_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  uint64_t generation_ = 0;
  bool timed_out_ = false;
  bool idle_ = false;  // waiting for the start of a request (Stop may close it)
  Clock::time_point started_ = Clock::now();
  // For the slow-request line (LogIfSlow): header to Handle, when the response was ready, and
  // the phases of the handling (request_phases.h).
  Clock::duration read_{};
  Clock::time_point sent_ = Clock::now();
  struct {
    std::string request_id;
    std::string route;
    std::string phases;
  } slow_;
};

}  // namespace

void StartSession(Server::Impl& server, tcp::socket socket) {
  if (server.ssl) {
    std::make_shared<Session<asio::ssl::stream<tcp::socket>>>(server, std::move(socket),
                                                              *server.ssl)
        ->Start();
  } else {
    std::make_shared<Session<tcp::socket>>(server, std::move(socket))->Start();
  }
}

}  // namespace orp::api
