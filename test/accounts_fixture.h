// Test-only: Accounts over an in-memory SQLite store with a clock the test moves (now_), the
// cheapest password hashing, and the audit log beside it; shared by the accounts and password
// tests. A test adjusts the options by overriding Tune().
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "orp/security/accounts.h"
#include "orp/security/audit.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp::security::fixtures {

class AccountsFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::sqlite::OpenStore(":memory:");
    ASSERT_TRUE(store.has_value());
    store_ = std::move(*store);
    audit_ = std::make_unique<AuditLog>(*store_, [this] { return now_; });
    AccountsOptions options;
    options.password_cost = PasswordCost::kMinimum;
    options.clock = [this] { return now_; };
    Tune(options);
    accounts_ = std::make_unique<Accounts>(*store_, *audit_, options);
  }

  // Changes the options before the accounts are made.
  virtual void Tune(AccountsOptions& /*options*/) {}

  domain::Instant now_ = domain::Instant(std::chrono::seconds(1764160000));
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<Accounts> accounts_;
};

}  // namespace orp::security::fixtures
