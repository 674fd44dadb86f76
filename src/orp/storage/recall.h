// Recall (recall8, #8): the rows the Store reads and writes for recalls — the affected-implant
// query behind a recall's cohort, and the campaign that tracks each affected patient.
// Use cases see them through storage/store.h (Reader/Transaction, section "Recall"); the rules
// (criteria, stages, who may see what) live in recall/.
//
// Device identifiers are the text the store keeps for an implant's DI (a GTIN-14's digits; a
// HIBCC DI once the catalogue stores those), so this header needs no UDI types.
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/domain/entities.h"

namespace orp::storage {

using RecallId = domain::RowId<struct RecallTag>;

// Implanted devices (never explanted rows) of the listed device models, narrowed by lot, implant
// (procedure) date and expiry. Date bounds are inclusive; an implant without an expiry never
// matches an expiry window. Serial ranges and production dates are judged by recall/ on the rows.
struct RecallImplantQuery {
  std::vector<std::string> device_ids;  // at least one; the store refuses an empty list
  std::vector<std::string> lots;        // empty: any lot
  std::optional<Date> implanted_from;
  std::optional<Date> implanted_to;
  std::optional<Date> expiry_from;
  std::optional<Date> expiry_to;
  // Only implants changed (stored or removed) after this change sequence number; 0 for all.
  int64_t changed_after = 0;
};

// One affected implant with what a recall needs to act on it, read in one pass.
struct RecallImplantRow {
  domain::ImplantId implant;
  domain::ProcedureId procedure;
  domain::PatientId patient;
  std::string device_id;
  std::string lot;
  std::string serial;
  std::optional<Date> expiry;
  std::string raw_scan;
  bool in_situ = true;
  std::optional<domain::ProcedureId> removed_by;
  std::optional<Date> removed_on;
  std::string registry;
  std::string procedure_ref;
  Date implanted_on{};
  std::string implanting_site;  // ODS site code of the implanting procedure
  std::optional<domain::Pseudonym> pseudonym;
  std::optional<domain::EncryptedNhsNumber> nhs_number;  // ciphertext; recall/ decrypts on audit
  std::optional<Date> date_of_death;
  // The patient's most recent procedure (latest date, then latest id), in any registry: its
  // site and that site's organisation from the sites table ('' when the site is not in it).
  std::string latest_site;
  std::string latest_organisation;
  Date latest_procedure_on{};
};

enum class RecallStatus { kOpen, kClosed };
// Where one affected patient is: identified -> contacted -> reviewed -> outcome recorded.
enum class RecallStage { kIdentified, kContacted, kReviewed, kConcluded };
enum class RecallOutcome { kNone, kNoAction, kMonitoring, kExplanted };

// "open" | "closed"; "identified" | "contacted" | "reviewed" | "concluded";
// "" | "no-action" | "monitoring" | "explanted". Parse is kInvalidArgument naming the choices.
std::string_view Name(RecallStatus value);
std::string_view Name(RecallStage value);
std::string_view Name(RecallOutcome value);
Result<RecallStatus> ParseRecallStatus(std::string_view text);
Result<RecallStage> ParseRecallStage(std::string_view text);
Result<RecallOutcome> ParseRecallOutcome(std::string_view text);

// A recall campaign. `reference` is unique (kAlreadyExists on a repeat).
struct Recall {
  RecallId id;
  std::string reference;      // the campaign's own reference, e.g. "R-2026-001"
  std::string fsn_reference;  // the manufacturer's field safety notice
  std::string title;
  std::string criteria_json;  // recall/criteria.h's JSON, canonical
  RecallStatus status = RecallStatus::kOpen;
  domain::Instant created_at{};
  std::string created_by;  // principal, never a patient identifier
  // The change sequence number up to which new implants have been matched (recall/ sync).
  int64_t synced_change = 0;
  friend bool operator==(const Recall&, const Recall&) = default;
};

// One affected patient in a campaign. The key is (recall, patient).
struct RecallPatient {
  RecallId recall;
  domain::PatientId patient;
  RecallStage stage = RecallStage::kIdentified;
  RecallOutcome outcome = RecallOutcome::kNone;
  std::optional<domain::ProcedureId> explant_procedure;  // the explant, once submitted
  std::string provider;  // responsible organisation (most recent provider) when identified
  domain::Instant identified_at{};
  domain::Instant updated_at{};
  std::optional<Date> reviewed_on;
  std::optional<Date> concluded_on;
  std::string joined_by;  // "create" (in the first cohort) or "sync" (a later submission)
  friend bool operator==(const RecallPatient&, const RecallPatient&) = default;
};

// An affected implant of a campaign patient.
struct RecallImplantLink {
  RecallId recall;
  domain::PatientId patient;
  domain::ImplantId implant;
  friend bool operator==(const RecallImplantLink&, const RecallImplantLink&) = default;
};

// One attempt to contact a patient; `ordinal` is assigned by the store (1, 2, … per patient).
struct RecallContact {
  RecallId recall;
  domain::PatientId patient;
  int ordinal = 0;
  Date on{};
  std::string channel;  // "letter", "phone", "email", "clinic", …
  std::string result;   // "reached", "no-answer", … free text, never an identifier
  std::string by;       // principal
  friend bool operator==(const RecallContact&, const RecallContact&) = default;
};

}  // namespace orp::storage
