// Recall campaigns: a recall created from criteria (with its field safety notice), tracking each
// affected patient through identified -> contacted (attempts with date and channel) -> reviewed
// -> concluded with an outcome (no action, monitoring, explanted — linked to the explant
// procedure once one is submitted), with counts per provider and overall and a report for the
// regulator.
//
// Stage rules (UpdatePatient): a contact attempt moves an identified patient to contacted;
// review needs a contact first (a clinic visit is a contact with channel "clinic"); an outcome
// needs review, except "explanted" linked to a submitted explant procedure; a concluded patient
// is not changed again. Closing a recall stops SyncOpenRecalls from adding to it.
//
// New submissions join open recalls through SyncOpenRecalls, which the application calls after
// an ingest commit (any number of submissions may have landed since): per open recall it reads
// the implants changed after the recall's synced change number, adds new affected patients
// (joined_by "sync") and their implants, links explants of tracked implants (outcome explanted,
// concluded on the removal date), and moves the sync point — all in one transaction per recall,
// so a crash between an ingest commit and the sync only delays it.
//
// Every change is audited through the AuditAppender in the same transaction (identify.h).
// Errors: kInvalidArgument (bad request, names the field), kNotFound (unknown recall or
// patient), kAlreadyExists (reference taken), kFailedPrecondition (a stage rule), and the
// store's. Thread safety: as the Store's.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "orp/core/result.h"
#include "orp/recall/criteria.h"
#include "orp/recall/identify.h"
#include "orp/storage/store.h"

namespace orp::recall {

struct CreateRequest {
  std::string reference;  // unique, e.g. "R-2026-001"
  std::string fsn_reference;
  std::string title;
  Criteria criteria;
};

// Creates the recall and its first cohort in one transaction.
Result<storage::Recall> CreateCampaign(storage::Store& store, const CreateRequest& request,
                                       const AuditAppender& append, const Access& access,
                                       domain::Instant now);

// What to record about one patient. Any combination; applied contact, review, outcome in turn.
struct PatientUpdate {
  std::optional<Date> contacted_on;  // a contact attempt on this day …
  std::string channel;               // … by this channel (required with contacted_on)
  std::string contact_result;        // e.g. "reached", "no-answer"
  std::optional<Date> reviewed_on;
  std::optional<storage::RecallOutcome> outcome;
  std::optional<Date> outcome_on;  // default: today
};

// `patient_ref` is the pseudonym in hex (or "patient-<id>" for a patient without one).
Result<storage::RecallPatient> UpdatePatient(storage::Store& store, std::string_view reference,
                                             std::string_view patient_ref,
                                             const PatientUpdate& update,
                                             const AuditAppender& append, const Access& access,
                                             domain::Instant now);

Result<storage::Recall> SetRecallStatus(storage::Store& store, std::string_view reference,
                                        storage::RecallStatus status, const AuditAppender& append,
                                        const Access& access, domain::Instant now);

struct StageCounts {
  int64_t patients = 0;
  int64_t identified = 0, contacted = 0, reviewed = 0, concluded = 0;
  int64_t no_action = 0, monitoring = 0, explanted = 0;
  int64_t contact_attempts = 0;
  void Add(const storage::RecallPatient& patient);
};

struct CampaignView {
  storage::Recall recall;
  std::vector<storage::RecallPatient> patients;
  std::vector<std::string> patient_refs;  // parallel to patients
  std::vector<storage::RecallContact> contacts;
  StageCounts overall;
  std::map<std::string, StageCounts> by_provider;
};

// The campaign with its patients; a non-empty `provider` (ODS code) keeps only that provider's
// patients and contacts (each provider sees and updates only its own).
Result<CampaignView> LoadCampaign(storage::Reader& reader, std::string_view reference,
                                  std::string_view provider = {});

struct SyncReport {
  struct Joined {
    std::string recall;
    std::string provider;  // the provider to alert
    int64_t patients = 0;
    int64_t implants = 0;
  };
  std::vector<Joined> joined;
  int64_t explants_linked = 0;
};

Result<SyncReport> SyncOpenRecalls(storage::Store& store, const AuditAppender& append,
                                   domain::Instant now);

// The regulator's report: per provider and overall stage and outcome counts, no identifiers.
// CSV columns: recall,fsn_reference,provider,patients,identified,contacted,reviewed,concluded,
// no_action,monitoring,explanted,contact_attempts (the overall row has provider "ALL").
std::string RegulatorReportCsv(const CampaignView& view);
std::string RegulatorReportJson(const CampaignView& view);

// One set of stage counts as the report and the API write it: patients, then each stage, then
// contact_attempts, in that order (shared by RegulatorReportJson and api/recall_routes.cc).
nlohmann::ordered_json CountsJson(const StageCounts& counts);

}  // namespace orp::recall
