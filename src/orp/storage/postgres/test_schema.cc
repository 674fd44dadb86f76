#include "orp/storage/postgres/test_schema.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "orp/storage/postgres/connection.h"

namespace orp::storage::postgres::testing {

Result<std::string> ServerUrl() {
  const char* url = std::getenv("ORP_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') {
    return FailedPrecondition(
        "ORP_TEST_POSTGRES_URL is not set: run these tests through ctest, which starts a "
        "throwaway cluster (scripts/pg-test-cluster), or point it at a server");
  }
  return std::string(url);
}

Result<std::string> FreshSchemaUrl() {
  auto url = ServerUrl();
  if (!url) return url;
  static std::atomic<int> counter{0};
  std::string schema = "orp_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  auto admin = Connection::Open(*url, "the test server");
  if (!admin) return std::unexpected(admin.error());
  ORP_RETURN_IF_ERROR(
      (*admin)->Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema));
  char separator = url->find('?') == std::string::npos ? '?' : '&';
  return *url + separator + "options=-csearch_path%3D" + schema;
}

}  // namespace orp::storage::postgres::testing
