// JSON shapes of the API's resources (docs/openapi.yaml describes them) and the opaque paging
// cursor. Only api/ route files include this (it pulls in nlohmann/json).
//
// Nothing here writes an NHS number, name, date of birth or postcode: procedures and implants
// carry no patient identifier at all; a patient appears only as the pseudonym the caller asked
// for. Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/udi/udi.h"

namespace orp::api {

using Json = nlohmann::ordered_json;

Json ImplantJson(const domain::Implant& implant);
Json ProcedureJson(const domain::Procedure& procedure);
Json DeviceModelJson(const domain::DeviceModel& model);
Json FindingJson(const domain::Finding& finding);
Json SubmissionJson(const domain::Submission& submission);
Json ParsedUdiJson(const udi::ParsedUdi& parsed);

// An opaque cursor for position `position` (a row id or an offset) in a listing named `kind`
// ("procedures", "findings"): clients pass it back unchanged.
std::string EncodeCursor(std::string_view kind, int64_t position);
// The position, or kInvalidArgument for a cursor that was not made by EncodeCursor for `kind`.
Result<int64_t> DecodeCursor(std::string_view kind, std::string_view cursor);

// The `limit` query value: default when absent; kInvalidArgument unless 1..max.
Result<int> ParseLimit(const std::optional<std::string>& text, int default_limit, int max_limit);

}  // namespace orp::api
