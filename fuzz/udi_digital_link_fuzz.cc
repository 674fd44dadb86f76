// libFuzzer target: udi::ParseDigitalLink on arbitrary bytes (see udi_fuzz_support.h for the
// properties).
#include <cstddef>
#include <cstdint>

#include "orp/udi/digital_link.h"
#include "udi_fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  orp::udi::fuzz::CheckParser(
      data, size,
      [](std::string_view text, const orp::udi::ParseOptions& options) {
        return orp::udi::ParseDigitalLink(text, options);
      },
      /*raw_is_input=*/true);
  return 0;
}
