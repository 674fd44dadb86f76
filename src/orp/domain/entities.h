// The core record every registry shares: organisations, clinicians, patients, device models,
// procedures, implants, outcome events, submissions, findings and audit records, as plain
// structs with no behaviour. Storage (storage/store.h) reads and writes them; ingest and linkage
// fill them; analytics streams them.
//
// Conventions:
// - Row ids (PatientId, ProcedureId, …) are assigned by the store; 0 means "not stored yet".
// - Dates are civil days (orp::Date); instants (received at, audit time) are UTC seconds.
// - Optional fields are std::optional or an empty string/vector when the source left them blank.
// - A Patient never holds an NHS number in clear: only its keyed pseudonym and its ciphertext
//   (security/pseudonymiser.h makes both).
//
// Identifiers are their validated types (ods_code.h, gmc_number.h, …). A few required ones are
// std::optional only so that a Procedure can be built field by field; ingest always sets them.
//
// Thread safety: plain values.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/domain/device_id.h"
#include "orp/domain/gmc_number.h"
#include "orp/domain/gtin.h"
#include "orp/domain/laterality.h"
#include "orp/domain/ods_code.h"
#include "orp/domain/opcs4_code.h"
#include "orp/domain/postcode.h"
#include "orp/domain/record_enums.h"
#include "orp/domain/sex.h"
#include "orp/domain/snomed_ct_id.h"

namespace orp::domain {

// A store-assigned row id, distinct per entity so a ProcedureId cannot be passed as a PatientId.
template <typename Tag>
struct RowId {
  int64_t value = 0;
  bool stored() const { return value != 0; }
  friend bool operator==(const RowId&, const RowId&) = default;
  friend auto operator<=>(const RowId&, const RowId&) = default;
};
using PatientId = RowId<struct PatientTag>;
using ProcedureId = RowId<struct ProcedureTag>;
using ImplantId = RowId<struct ImplantTag>;
using OutcomeEventId = RowId<struct OutcomeEventTag>;
using SubmissionId = RowId<struct SubmissionTag>;

using Instant = std::chrono::sys_seconds;

// The keyed HMAC-SHA256 of a canonical NHS number: the patient's linkage key. Unique per
// patient; not reversible without the key file (and only the ciphertext is decryptable).
struct Pseudonym {
  std::array<uint8_t, 32> bytes{};
  // 64 lowercase hex digits, for display to authorised users and in tests.
  std::string Hex() const;
  // The inverse of Hex (either case): kInvalidArgument unless exactly 64 hex digits.
  static Result<Pseudonym> FromHex(std::string_view hex);
  friend bool operator==(const Pseudonym&, const Pseudonym&) = default;
  friend auto operator<=>(const Pseudonym&, const Pseudonym&) = default;
};

// AES-256-GCM ciphertext of an NHS number (format owned by security/pseudonymiser.h).
struct EncryptedNhsNumber {
  std::string bytes;  // binary
  friend bool operator==(const EncryptedNhsNumber&, const EncryptedNhsNumber&) = default;
};

struct Site {
  OdsSiteCode code;  // e.g. "RRK02"
  std::string name;
  std::optional<Postcode> postcode;
  friend bool operator==(const Site&, const Site&) = default;
};

// An ODS organisation (trust, independent provider) and the sites where it operates.
struct Organisation {
  OdsCode code;  // e.g. "RRK"
  std::string name;
  std::vector<Site> sites;
  friend bool operator==(const Organisation&, const Organisation&) = default;
};

struct Clinician {
  GmcNumber gmc;
  std::string name;
  std::string specialty;
  friend bool operator==(const Clinician&, const Clinician&) = default;
};

struct Patient {
  PatientId id;
  std::optional<Pseudonym> pseudonym;  // absent when the source had no NHS number
  std::optional<EncryptedNhsNumber> nhs_number;
  std::optional<Date> date_of_birth;
  std::optional<Sex> sex;
  std::optional<Postcode> postcode;
  std::optional<Date> date_of_death;
  bool opted_out = false;  // national data opt-out: excluded from research extracts
  friend bool operator==(const Patient&, const Patient&) = default;
};

// One version of a catalogue entry for a device identifier. Attributes change over time
// (reclassification, a new brand name, a recall); the catalogue keeps each version with its
// validity and the day it was recorded ("what we knew when").
struct DeviceModel {
  DeviceId device;  // the UDI-DI with its issuing agency (GS1 GTIN or HIBCC)
  std::string manufacturer;
  std::string brand;
  std::string model;
  std::string catalogue_number;
  std::string device_type;              // e.g. "breast implant", "cochlear implant"
  std::string device_class;             // "III", "IIb", "IIa", "I", "AIMD"
  std::vector<std::string> registries;  // registry codes the device is reported to
  Date valid_from{};
  std::optional<Date> valid_to;  // exclusive; absent for the current version
  MarketStatus market_status = MarketStatus::kOnMarket;
  std::optional<Date> status_date;  // the day the market status took effect
  std::string fsn_reference;        // field safety notice / recall reference, when recalled
  // The day ORP recorded this version; absent for versions stored before it was kept (SQLite
  // migration 0003). Not an attribute: a re-import with a later date changes nothing.
  std::optional<Date> recorded_on;
  friend bool operator==(const DeviceModel&, const DeviceModel&) = default;
};

enum class DeviceAction { kImplanted, kExplanted };

// A device instance used (implanted) or removed (explanted) in a procedure.
struct Implant {
  ImplantId id;
  ProcedureId procedure;
  // The device model's DI. A GS1 DI is `gtin`; a DI of another issuing agency (HIBCC) is
  // `other_di`, with gtin absent. At most one is set; DeviceIdOf gives whichever it is.
  std::optional<Gtin> gtin;
  std::string lot;
  std::string serial;
  std::optional<Date> expiry;
  std::string raw_scan;  // the barcode text as scanned, kept for audit and re-parsing
  DeviceAction action = DeviceAction::kImplanted;
  std::optional<Laterality> laterality;  // the store fills in the procedure's when absent
  bool in_situ = true;  // false once removed (and always false for an explanted device row)
  std::optional<ProcedureId> removed_by;
  std::optional<Date> removed_on;
  std::optional<DeviceId> other_di;  // never GS1 (see gtin above)
  // Device-level registry fields (level = "device" in the definition, e.g. BCIR
  // implant_position), by definition name; only values given.
  std::map<std::string, std::string> fields;
  friend bool operator==(const Implant&, const Implant&) = default;
};

struct Procedure {
  ProcedureId id;
  std::string registry;       // registry code, e.g. "BCIR"
  std::string procedure_ref;  // the submitter's reference; unique per registry
  std::optional<OdsSiteCode> provider_site;
  std::optional<GmcNumber> clinician;
  PatientId patient;
  Date date{};
  ProcedureType type = ProcedureType::kPrimary;
  std::vector<Opcs4Code> opcs_codes;
  std::optional<SnomedCtId> snomed_code;
  std::optional<Laterality> laterality;
  std::string body_site;  // the registry's body site ("breast", "hip"), for revision linkage
  std::string indication;
  std::optional<int> asa_grade;  // 1–5
  std::optional<double> bmi;
  std::map<std::string, std::string> fields;  // registry-specific fields, by definition name
  SubmissionId submission;                    // the submission that wrote this version
  int version = 1;                            // 1, then +1 per accepted correction
  std::vector<Implant> implants;
  friend bool operator==(const Procedure&, const Procedure&) = default;
};

enum class OutcomeKind { kDeath, kRevision, kExplant, kComplication, kReadmission, kOther };

struct OutcomeEvent {
  OutcomeEventId id;
  PatientId patient;
  OutcomeKind kind = OutcomeKind::kOther;
  Date date{};
  std::string registry;                  // empty for registry-independent events (death)
  std::optional<ProcedureId> procedure;  // the procedure the event follows, when known
  std::optional<ImplantId> implant;
  std::string detail;  // e.g. a complication code
  SubmissionId submission;
  friend bool operator==(const OutcomeEvent&, const OutcomeEvent&) = default;
};

// One validation finding about a submitted record (bad rows are data, not errors).
struct Finding {
  int64_t row = 0;  // 1-based source row or line; 0 for a whole-file finding
  std::string procedure_ref;
  std::string field;
  std::string rule;  // stable rule id, e.g. "nhs_number.check_digit"
  Severity severity = Severity::kError;
  std::string message;
  friend bool operator==(const Finding&, const Finding&) = default;
};

enum class SubmissionStatus { kPending, kAccepted, kPartiallyAccepted, kRejected };

struct Submission {
  SubmissionId id;
  std::string idempotency_key;  // given by the submitter, or the SHA-256 of the file
  std::string submitter;        // the principal (user, token or ODS code) that sent it
  std::string registry;         // empty when the file spans registries
  Instant received_at{};
  SubmissionStatus status = SubmissionStatus::kPending;
  int64_t received = 0;  // procedures
  int64_t accepted = 0;
  int64_t rejected = 0;
  std::string receipt_json;  // the receipt as first returned; a repeat returns it verbatim
  friend bool operator==(const Submission&, const Submission&) = default;
};

// One entry of the append-only audit log. security/ computes `hash` over the other fields and
// `prev_hash`; storage keeps entries in `seq` order and refuses one whose prev_hash is not the
// last entry's hash, so the chain stays linear under concurrent writers.
struct AuditRecord {
  int64_t seq = 0;  // assigned by the store: 1, 2, …
  Instant at{};
  std::string actor;   // principal id (never a patient identifier)
  std::string role;    // e.g. "submitter@RRK"
  std::string action;  // e.g. "submission.create", "patient.read"
  std::string object;  // what was acted on: "submission/42", "patient/<pseudonym hex>"
  std::string request_id;
  std::string purpose;
  std::string outcome;    // "ok", "denied", …
  std::string prev_hash;  // hex; empty for the first entry
  std::string hash;       // hex
  friend bool operator==(const AuditRecord&, const AuditRecord&) = default;
};

// Stable lowercase names used in storage, JSON and CSV ("primary", "implanted", "error", …), and
// their inverses (kInvalidArgument naming the value and the choices).
std::string_view Name(ProcedureType value);
std::string_view Name(DeviceAction value);
std::string_view Name(OutcomeKind value);
std::string_view Name(Severity value);
std::string_view Name(SubmissionStatus value);
std::string_view Name(MarketStatus value);  // "on-market" | "withdrawn" | "recalled"
Result<ProcedureType> ParseProcedureType(std::string_view text);
Result<DeviceAction> ParseDeviceAction(std::string_view text);
Result<OutcomeKind> ParseOutcomeKind(std::string_view text);
Result<Severity> ParseSeverity(std::string_view text);
Result<SubmissionStatus> ParseSubmissionStatus(std::string_view text);
Result<MarketStatus> ParseMarketStatus(std::string_view text);  // exactly one of the names

// An implant's device identifier, whichever agency issued it; nullopt when none was given.
std::optional<DeviceId> DeviceIdOf(const Implant& implant);

}  // namespace orp::domain
