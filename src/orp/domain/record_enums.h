// Enumerations shared by the core record (entities.h) and the registry definitions
// (registry_definition.h), declared once so that code using both (the ingest validator) can
// include both headers. Thread safety: plain values.
#pragma once

namespace orp::domain {

enum class ProcedureType { kPrimary, kRevision, kExplant, kOther };
enum class Severity { kError, kWarning };
// A device model's market status: a recall includes a field safety notice (FSN).
enum class MarketStatus { kOnMarket, kWithdrawn, kRecalled };

}  // namespace orp::domain
