// The HTTP SMS provider adapter (proms/http_sms.h) against a real HTTP server the test starts:
// what it sends (JSON body, the auth header from its file), and how each answer maps to sent,
// retry later or dead letter. The outbox's use of it is in proms_run_test.cc.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "http_sink.h"
#include "orp/proms/http_sms.h"

namespace orp::proms {
namespace {

class HttpSms : public ::testing::Test {
 protected:
  void SetUp() override {
    auth_ = std::filesystem::temp_directory_path() /
            ("orp_http_sms_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::ofstream(auth_) << "Authorization: Bearer s3cret-key\n";
  }
  void TearDown() override { std::filesystem::remove(auth_); }

  std::unique_ptr<HttpSmsAdapter> Adapter(int port) {
    HttpSmsOptions options;
    options.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/messages";
    options.auth_file = auth_;
    options.sender = "Registry";
    options.timeout = std::chrono::milliseconds(2000);
    auto adapter = HttpSmsAdapter::Create(options);
    EXPECT_TRUE(adapter.has_value()) << adapter.error().ToString();
    return std::move(*adapter);
  }

  std::filesystem::path auth_;
};

TEST_F(HttpSms, PostsTheTextAsJsonWithTheHeaderFromTheAuthFile) {
  testing::HttpSink sink(202);
  ASSERT_TRUE(Adapter(sink.port())->SendText("07700900001", "Hello \"you\"\nlink").has_value());
  auto requests = sink.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].head.starts_with("POST /v1/messages HTTP/1.1\r\n"));
  EXPECT_NE(requests[0].head.find("\r\nAuthorization: Bearer s3cret-key"), std::string::npos);
  EXPECT_NE(requests[0].head.find("\r\nContent-Type: application/json"), std::string::npos);
  auto body = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(body["to"], "07700900001");
  EXPECT_EQ(body["from"], "Registry");
  EXPECT_EQ(body["text"], "Hello \"you\"\nlink");
}

TEST_F(HttpSms, TooManyRequestsAndServerErrorsAreRetriedLaterNamingTheStatusNotTheNumber) {
  for (int status : {429, 500, 503}) {
    testing::HttpSink sink(status);
    auto sent = Adapter(sink.port())->SendText("07700900001", "text");
    ASSERT_FALSE(sent.has_value());
    EXPECT_EQ(sent.error().code(), ErrorCode::kUnavailable) << status;
    EXPECT_NE(sent.error().message().find(std::to_string(status)), std::string::npos);
    EXPECT_EQ(sent.error().message().find("07700900001"), std::string::npos);
  }
}

TEST_F(HttpSms, AClientErrorIsPermanentSoTheMessageGoesToTheDeadLetterList) {
  testing::HttpSink sink(400);
  auto sent = Adapter(sink.port())->SendText("07700900001", "text");
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(HttpSms, AProviderThatIsDownIsRetriedLater) {
  int port = 0;
  {
    testing::HttpSink gone;
    port = gone.port();
  }
  auto sent = Adapter(port)->SendText("07700900001", "text");
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().code(), ErrorCode::kUnavailable);
}

TEST_F(HttpSms, RefusesHttpsUrlsAndAnAuthFileThatIsNotOneHeaderWithoutQuotingIt) {
  HttpSmsOptions options;
  options.url = "https://sms.example/v1";
  EXPECT_EQ(HttpSmsAdapter::Create(options).error().code(), ErrorCode::kInvalidArgument);
  options.url = "http://127.0.0.1:99999/v1";
  EXPECT_EQ(HttpSmsAdapter::Create(options).error().code(), ErrorCode::kInvalidArgument);
  options.url = "http://127.0.0.1:8080/v1";
  std::ofstream(auth_) << "just-a-s3cret-key\n";
  options.auth_file = auth_;
  auto refused = HttpSmsAdapter::Create(options);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message().find("s3cret"), std::string::npos);
  options.auth_file = auth_.string() + ".missing";
  EXPECT_EQ(HttpSmsAdapter::Create(options).error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace orp::proms
