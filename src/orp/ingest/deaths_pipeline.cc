// The deaths feed into the store: one submission, each death recorded against its patient.
#include "orp/ingest/deaths.h"
#include "orp/ingest/pipeline.h"

namespace orp::ingest {

Result<Receipt> IngestDeathsFile(storage::Store& store,
                                 const security::Pseudonymiser& pseudonymiser,
                                 const std::filesystem::path& file, const IngestOptions& options,
                                 Date today) {
  Result<DeathsReader> reader = DeathsReader::Open(file, today);
  if (!reader) return std::unexpected(reader.error().WithContext(file.string()));
  std::string key = options.idempotency_key;
  if (key.empty()) {
    Result<std::string> digest = FileSha256(file);
    if (!digest) return std::unexpected(digest.error());
    key = "sha256:" + *digest;
  }
  Receipt r;
  std::unique_ptr<storage::Transaction> txn;
  if (!options.dry_run) {
    storage::SubmissionRequest request{
        key, options.submitter, "",
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())};
    Result<storage::SubmissionStart> start = store.BeginSubmission(request);
    if (!start) return std::unexpected(start.error());
    if (start->duplicate_of) {
      r.submission_id = start->duplicate_of->id;
      r.status = "duplicate";
      r.json = start->duplicate_of->receipt_json;
      return r;
    }
    txn = std::move(start->transaction);
  }
  while (true) {
    size_t bad_before = r.findings.size();
    Result<std::optional<Death>> death = reader->Next(&r.findings);
    if (!death) return std::unexpected(death.error());
    r.rejected += static_cast<int64_t>(r.findings.size() - bad_before);
    r.received += static_cast<int64_t>(r.findings.size() - bad_before);
    if (!death->has_value()) break;
    ++r.received;
    ++r.accepted;
    if (!txn) continue;
    auto patient = txn->FindPatientByPseudonym(pseudonymiser.Pseudonymise((*death)->nhs_number));
    if (!patient) return std::unexpected(patient.error());
    if (*patient) ORP_RETURN_IF_ERROR(txn->RecordDeath((**patient).id, (*death)->date_of_death));
  }
  r.status = r.accepted == 0 ? "rejected" : (r.rejected == 0 ? "accepted" : "partially_accepted");
  if (!txn) {
    r.json = ReceiptJson(r);
    return r;
  }
  r.submission_id = txn->submission();
  r.json = ReceiptJson(r);
  ORP_RETURN_IF_ERROR(txn->AddFindings(r.findings));
  domain::SubmissionStatus status =
      r.accepted == 0 ? domain::SubmissionStatus::kRejected
                      : (r.rejected == 0 ? domain::SubmissionStatus::kAccepted
                                         : domain::SubmissionStatus::kPartiallyAccepted);
  ORP_RETURN_IF_ERROR(txn->FinishSubmission({status, r.received, r.accepted, r.rejected, r.json}));
  ORP_RETURN_IF_ERROR(txn->Commit());
  return r;
}

}  // namespace orp::ingest
