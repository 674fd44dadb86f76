// Test support: the throwaway server the tests run against (ORP_TEST_POSTGRES_URL, set by CTest
// from the fixture that starts scripts/pg-test-cluster) and a fresh, empty schema on it per
// store, so every test starts from nothing without the cost of a database per test.
#pragma once

#include <string>

#include "orp/core/result.h"

namespace orp::storage::postgres::testing {

// The server URL. kFailedPrecondition when the variable is unset: the tests fail, never skip.
Result<std::string> ServerUrl();

// Creates a new schema and returns a URL whose connections use it (search_path).
Result<std::string> FreshSchemaUrl();

}  // namespace orp::storage::postgres::testing
