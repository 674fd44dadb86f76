// orp_log_scan FILE...: fails (exit 1) when any line of the files is shaped like a valid NHS
// number, printing the file and line number but not the number. `make test` runs it over the
// whole CTest log, so no test's output (logs, messages, command output) carries one.
#include <cstdio>
#include <fstream>
#include <string>

#include "orp/security/identifier_scan.h"

int main(int argc, char** argv) {
  int found = 0;
  for (int a = 1; a < argc; ++a) {
    std::ifstream in(argv[a], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "orp_log_scan: cannot read %s\n", argv[a]);
      return 2;
    }
    long number = 0;
    for (std::string line; std::getline(in, line);) {
      ++number;
      if (orp::security::FindNhsNumberShape(line)) {
        std::fprintf(stderr, "%s:%ld: text shaped like a valid NHS number\n", argv[a], number);
        ++found;
      }
    }
  }
  if (found > 0) std::fprintf(stderr, "orp_log_scan: %d line(s) carry an identifier\n", found);
  return found > 0 ? 1 : 0;
}
