#include "orp/udi/digital_link.h"

#include <fmt/format.h>

#include "orp/core/text.h"
#include "orp/domain/gtin.h"
#include "orp/udi/ai_table.h"
#include "orp/udi/gs1.h"
#include "orp/udi/gs1_fields.h"

namespace orp::udi {
namespace {

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `encoded` onto the end of `buffer` and returns a view of the decoded part.
// The caller reserves the buffer up front so views taken earlier stay valid; false on a bad
// escape.
bool Decode(std::string_view encoded, std::string& buffer, std::string_view& decoded) {
  size_t start = buffer.size();
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') {
      buffer.push_back(encoded[i]);
      continue;
    }
    int hi = i + 2 < encoded.size() ? HexValue(encoded[i + 1]) : -1;
    int lo = hi >= 0 ? HexValue(encoded[i + 2]) : -1;
    if (lo < 0) return false;
    buffer.push_back(char(hi * 16 + lo));
    i += 2;
  }
  decoded = std::string_view(buffer).substr(start);
  return true;
}

// Rank of a key qualifier of AI 01 in the required order; -1 when not a qualifier of 01.
int QualifierRank(std::string_view ai) {
  if (ai == "22") return 0;
  if (ai == "10") return 1;
  if (ai == "21") return 2;
  if (ai == "235") return 3;
  return -1;
}

class DigitalLinkParser {
 public:
  DigitalLinkParser(std::string_view uri, const ParseOptions& options, ParsedUdi& out)
      : uri_(uri), out_(out), sink_(out, options) {
    buffer_.reserve(uri.size());
  }

  void Run();

 private:
  void Fail(std::string_view code, std::string message) {
    out_.findings.push_back(MakeFinding(code, Severity::kError, std::move(message)));
  }
  bool ParsePath(std::string_view path);
  bool AddGtin(std::string_view segment);
  bool Check235Alone(const std::vector<std::string_view>& segments, size_t first);
  void ParseQuery(std::string_view query);

  std::string_view uri_;
  ParsedUdi& out_;
  Gs1FieldSink sink_;
  std::string buffer_;
  std::string gtin14_;
};

void DigitalLinkParser::Run() {
  size_t scheme_end = uri_.find("://");
  if (!LooksLikeUri(uri_) || scheme_end == std::string_view::npos) {
    return Fail("dl.syntax", "a GS1 Digital Link must start with http:// or https://");
  }
  std::string_view rest = uri_.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  size_t query_start = rest.find('?');
  std::string_view query =
      query_start == std::string_view::npos ? std::string_view() : rest.substr(query_start + 1);
  rest = rest.substr(0, query_start);
  size_t path_start = rest.find('/');
  if (path_start == std::string_view::npos || path_start == 0) {
    return Fail("dl.primary_key", "the URI has no path; expected /01/<GTIN>");
  }
  if (!ParsePath(rest.substr(path_start + 1))) return;
  ParseQuery(query);
  sink_.Finish();
}

bool DigitalLinkParser::ParsePath(std::string_view path) {
  if (path.ends_with('/')) path.remove_suffix(1);
  std::vector<std::string_view> segments = Split(path, '/');
  // The primary key is the last "01" segment followed by a GTIN-shaped segment; everything
  // before it is the resolver's path prefix.
  size_t key = segments.size();
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    std::string_view next = segments[i + 1];
    if (segments[i] == "01" && IsAsciiDigits(next) &&
        (next.size() == 8 || next.size() == 12 || next.size() == 13 || next.size() == 14)) {
      key = i;
    }
  }
  if (key == segments.size()) {
    Fail("dl.primary_key", "no /01/<GTIN> in the path (GTIN-8, -12, -13 or -14 digits)");
    return false;
  }
  if (!AddGtin(segments[key + 1])) return false;
  if (!Check235Alone(segments, key + 2)) return false;
  int last_rank = -1;
  for (size_t i = key + 2; i < segments.size(); i += 2) {
    std::string_view ai = segments[i];
    int rank = QualifierRank(ai);
    if (i + 1 >= segments.size()) {
      Fail("dl.syntax", fmt::format("path qualifier {} has no value", Printable(ai)));
      return false;
    }
    if (rank < 0) {
      Fail("dl.qualifier_order",
           fmt::format("'{}' is not a key qualifier of AI01 (allowed: 22, 10, 21 or 235)",
                       Printable(ai)));
      return false;
    }
    if (rank <= last_rank) {
      Fail("dl.qualifier_order", fmt::format("qualifier AI{} is out of order; the path must "
                                             "give 22, 10, 21 in that order (or 235 alone)",
                                             ai));
      return false;
    }
    last_rank = rank;
    std::string_view value;
    if (!Decode(segments[i + 1], buffer_, value)) {
      Fail("dl.syntax", fmt::format("AI{} value has a bad %-escape", ai));
      return false;
    }
    sink_.Add(ai, *FindAi(ai), value, -1);
  }
  return true;
}

bool DigitalLinkParser::Check235Alone(const std::vector<std::string_view>& segments, size_t first) {
  bool has_235 = false;
  std::string_view other;
  for (size_t i = first; i < segments.size(); i += 2) {
    if (segments[i] == "235") {
      has_235 = true;
    } else if (other.empty()) {
      other = segments[i];
    }
  }
  if (has_235 && !other.empty()) {
    Fail("gs1.excludes", fmt::format("AI235 is exclusive: it must not appear with AI{} (the "
                                     "path takes 22, 10, 21 or 235 alone)",
                                     Printable(other)));
    return false;
  }
  return true;
}

bool DigitalLinkParser::AddGtin(std::string_view segment) {
  auto gtin = domain::Gtin::Parse(segment);
  if (!gtin) {
    out_.findings.push_back(MakeFinding("gs1.check_digit", Severity::kError,
                                        fmt::format("AI01: {}", gtin.error().message()), "01"));
    return false;
  }
  gtin14_ = gtin->digits();
  sink_.Add("01", *FindAi("01"), gtin14_, -1);
  return true;
}

void DigitalLinkParser::ParseQuery(std::string_view query) {
  if (query.empty()) return;
  for (std::string_view pair : Split(query, '&')) {
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (!IsAsciiDigits(key)) continue;  // linkType, context and other non-GS1 parameters
    const AiDef* def = FindAi(key);
    std::string_view value;
    if (def == nullptr) {
      Fail("gs1.unknown_ai", fmt::format("unknown AI {} in the query string", key));
      continue;
    }
    if (eq == std::string_view::npos || !Decode(pair.substr(eq + 1), buffer_, value)) {
      Fail("dl.syntax",
           fmt::format("AI{} in the query string has no value or a bad %-escape", key));
      continue;
    }
    if (key == "01" || QualifierRank(key) >= 0) {
      out_.findings.push_back(
          MakeFinding("dl.qualifier_in_query", Severity::kWarning,
                      fmt::format("AI{} belongs in the URI path, not the query string", key), key));
    }
    sink_.Add(key, *def, value, -1);
  }
}

}  // namespace

bool LooksLikeUri(std::string_view text) {
  return StartsWithNoCase(text, "https://") || StartsWithNoCase(text, "http://");
}

ParsedUdi ParseDigitalLink(std::string_view uri, const ParseOptions& options) {
  ParsedUdi out;
  out.issuer = Issuer::kGs1;
  out.format = Format::kGs1DigitalLink;
  out.raw.assign(uri);
  DigitalLinkParser(uri, options, out).Run();
  CheckExpiry(out, options);
  return out;
}

}  // namespace orp::udi
