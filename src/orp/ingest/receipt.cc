// Receipt JSON and the file digest used as the default idempotency key.
#include <fmt/format.h>
#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "orp/ingest/pipeline.h"

namespace orp::ingest {

std::string ReceiptJson(const Receipt& receipt) {
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const domain::Finding& f : receipt.findings) {
    findings.push_back(nlohmann::ordered_json{{"row", f.row},
                                              {"procedure_ref", f.procedure_ref},
                                              {"field", f.field},
                                              {"rule", f.rule},
                                              {"severity", domain::Name(f.severity)},
                                              {"message", f.message}});
  }
  // Keys in the order the issue documents them.
  using Json = nlohmann::ordered_json;
  Json out = {
      {"submission_id", receipt.submission_id ? Json(receipt.submission_id->value) : Json(nullptr)},
      {"status", receipt.status},
      {"procedures",
       {{"received", receipt.received},
        {"accepted", receipt.accepted},
        {"rejected", receipt.rejected}}},
      {"findings", std::move(findings)}};
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<std::string> FileSha256(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFound(fmt::format("cannot open {}", file.string()));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return Internal("SHA-256 is not available");
  }
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return DataLoss(fmt::format("read error in {}", file.string()));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &size);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace orp::ingest
