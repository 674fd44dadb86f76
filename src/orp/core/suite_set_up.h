// SuiteSetUp: for tests only (it includes GoogleTest). Makes a failed SetUpTestSuite FAIL every
// test of its suite instead of skipping them.
//
// Why: when SetUpTestSuite records a failure, GoogleTest (1.12) never runs the suite's tests; it
// marks each one "Skipped", and CTest (gtest_discover_tests sets SKIP_REGULAR_EXPRESSION) counts
// a skipped test as passed, so a broken shared world passed `make test` unseen. SuiteSetUp runs
// the suite's build with every failure it raises (ASSERT_*/EXPECT_*/FAIL, on any thread, or an
// exception) captured instead of reported, and the fixture's SetUp then fails each test with
// the captured text:
//
//   static void SetUpTestSuite() { set_up_.Run([] { world_ = new World(); }); }
//   void SetUp() override { ASSERT_TRUE(set_up_.ok()) << set_up_.failures(); }
//   static inline orp::SuiteSetUp set_up_;
//
// A fixture whose SetUp does more must call set_up_.ok() first. Thread safety: none (GoogleTest
// runs a suite's set-up and its tests on one thread).
#pragma once

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <exception>
#include <string>
#include <utility>

namespace orp {

class SuiteSetUp {
 public:
  // Runs `build` and keeps the text of every failure it raised (replacing an earlier run's).
  template <typename BuildFn>
  void Run(BuildFn&& build) {
    failures_.clear();
    ::testing::TestPartResultArray results;
    {
      ::testing::ScopedFakeTestPartResultReporter capture(
          ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, &results);
      try {
        std::forward<BuildFn>(build)();
      } catch (const std::exception& e) {
        failures_ += std::string("exception: ") + e.what() + "\n";
      } catch (...) {
        failures_ += "an exception that is not a std::exception\n";
      }
    }
    for (int i = 0; i < results.size(); ++i) {
      const ::testing::TestPartResult& r = results.GetTestPartResult(i);
      if (r.passed()) continue;
      failures_ += std::string(r.file_name() ? r.file_name() : "?") + ":" +
                   std::to_string(r.line_number()) + ": " + r.message() + "\n";
    }
    ran_ = true;
  }

  // True when Run was called and raised no failure.
  bool ok() const { return ran_ && failures_.empty(); }
  // What went wrong, for the fixture's SetUp to fail with.
  std::string failures() const {
    if (!ran_) return "the suite's shared set-up (SetUpTestSuite) did not run";
    return "the suite's shared set-up (SetUpTestSuite) failed:\n" + failures_;
  }

 private:
  bool ran_ = false;
  std::string failures_;
};

}  // namespace orp
