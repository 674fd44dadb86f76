#include "orp/ingest/pipeline.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "orp/linkage/linkage.h"

namespace orp::ingest {
namespace {

using OnAccepted = std::function<Result<void>(ValidatedProcedure&)>;

bool HasErrors(const std::vector<domain::Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const domain::Finding& f) {
    return f.severity == domain::Severity::kError;
  });
}

void Settle(Receipt& r) {
  if (r.accepted == 0) {
    r.status = "rejected";
  } else if (r.rejected == 0 && !HasErrors(r.findings)) {
    r.status = "accepted";
  } else {
    r.status = "partially_accepted";
  }
  r.json = ReceiptJson(r);
}

domain::SubmissionStatus StatusEnum(const Receipt& r) {
  if (r.status == "accepted") return domain::SubmissionStatus::kAccepted;
  if (r.status == "partially_accepted") return domain::SubmissionStatus::kPartiallyAccepted;
  return domain::SubmissionStatus::kRejected;
}

// Reads and validates every procedure of `file`, counting into `r`; accepted ones go to
// `on_accepted` (which may fail only for a store error).
Result<void> ForEachValidated(const std::filesystem::path& file, const Validator& validator,
                              const IngestOptions& options, Receipt& r,
                              const OnAccepted& on_accepted) {
  Result<std::unique_ptr<ProcedureReader>> reader =
      OpenProcedureFile(file, validator.reader_options());
  if (!reader) return std::unexpected(reader.error().WithContext(file.string()));
  std::vector<std::string> columns = (*reader)->columns();
  for (domain::Finding& f : validator.CheckColumns(columns)) r.findings.push_back(std::move(f));
  RawProcedure raw;
  while (true) {
    Result<bool> next = (*reader)->Next(&raw, &r.findings);
    if (!next) return std::unexpected(next.error().WithContext(file.string()));
    if (!*next) break;
    ValidatedProcedure validated = validator.Validate(raw);
    ++r.received;
    const bool ok = validated.accepted();
    for (domain::Finding& f : validated.findings) r.findings.push_back(std::move(f));
    if (ok) {
      ++r.accepted;
      ORP_RETURN_IF_ERROR(on_accepted(validated));
    } else {
      ++r.rejected;
    }
    if (options.progress && r.received % 4096 == 0) options.progress(r.received);
  }
  if (options.progress) options.progress(r.received);
  return {};
}

// Writes one accepted procedure: its patient, the procedure and what it removes.
class Writer {
 public:
  Writer(storage::Transaction& txn, const security::Pseudonymiser& pseudonymiser, Receipt& r)
      : txn_(txn), pseudonymiser_(pseudonymiser), linker_(txn), receipt_(r) {}

  Result<void> Write(ValidatedProcedure& v) {
    row_ = v.row;
    domain::Patient patient;
    if (!v.anonymous) {
      patient.date_of_birth = v.date_of_birth;
      patient.sex = v.sex;
      patient.postcode = v.postcode;
      if (v.nhs_number) {
        auto protected_number = pseudonymiser_.Protect(*v.nhs_number);
        if (!protected_number) return std::unexpected(protected_number.error());
        patient.pseudonym = protected_number->first;
        patient.nhs_number = std::move(protected_number->second);
      }
    }
    Result<linkage::LinkedPatient> linked = linker_.Link(patient, v.anonymous);
    if (!linked) return std::unexpected(linked.error());
    domain::Procedure& p = v.procedure;
    if (linked->match == linkage::PatientMatch::kNoUniqueMatch) {
      Warn(p, "nhs_number", "linkage.no_unique_match",
           "no NHS number and no unique match on date of birth, sex and postcode: kept as a new "
           "patient for review");
    }
    p.patient = linked->id;
    Result<std::vector<domain::Implant>> removed = linkage::ImplantsRemovedBy(txn_, p);
    if (!removed) return std::unexpected(removed.error());
    Result<storage::PutKind> put = txn_.PutProcedure(p);
    if (!put) return std::unexpected(put.error());
    if (p.type == domain::ProcedureType::kRevision && removed->empty() &&
        *put == storage::PutKind::kInserted) {
      Warn(p, "procedure_type", "linkage.no_implant_in_situ",
           fmt::format("revision {} found no implant in situ on that side to link to",
                       p.procedure_ref));
    }
    return linkage::RecordRemovals(txn_, p, *removed);
  }

 private:
  void Warn(const domain::Procedure& p, std::string field, std::string rule, std::string message) {
    receipt_.findings.push_back({row_, p.procedure_ref, std::move(field), std::move(rule),
                                 domain::Severity::kWarning, std::move(message)});
  }

  storage::Transaction& txn_;
  const security::Pseudonymiser& pseudonymiser_;
  linkage::PatientLinker linker_;
  Receipt& receipt_;
  int64_t row_ = 0;
};

Receipt DuplicateReceipt(const domain::Submission& earlier) {
  Receipt r;
  r.submission_id = earlier.id;
  r.status = "duplicate";
  r.received = earlier.received;
  r.accepted = earlier.accepted;
  r.rejected = earlier.rejected;
  nlohmann::ordered_json json = nlohmann::ordered_json::parse(earlier.receipt_json, nullptr, false);
  if (json.is_object()) {
    json["status"] = "duplicate";
    r.json = json.dump();
  } else {
    r.json = ReceiptJson(r);
  }
  return r;
}

Result<Receipt> Finish(storage::Transaction& txn, Receipt r) {
  r.submission_id = txn.submission();
  Settle(r);
  ORP_RETURN_IF_ERROR(txn.AddFindings(r.findings));
  ORP_RETURN_IF_ERROR(
      txn.FinishSubmission({StatusEnum(r), r.received, r.accepted, r.rejected, r.json}));
  ORP_RETURN_IF_ERROR(txn.Commit());
  return r;
}

}  // namespace

Result<Receipt> IngestFile(storage::Store& store, const Validator& validator,
                           const security::Pseudonymiser& pseudonymiser,
                           const std::filesystem::path& file, const IngestOptions& options) {
  Receipt r;
  const OnAccepted skip = [](ValidatedProcedure&) -> Result<void> { return {}; };
  if (options.dry_run) {
    ORP_RETURN_IF_ERROR(ForEachValidated(file, validator, options, r, skip));
    Settle(r);
    return r;
  }
  std::string key = options.idempotency_key;
  if (key.empty()) {
    Result<std::string> digest = FileSha256(file);
    if (!digest) return std::unexpected(digest.error());
    key = "sha256:" + *digest;
  }
  storage::SubmissionRequest request{
      key, options.submitter, validator.options().registry,
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())};
  Result<storage::SubmissionStart> start = store.BeginSubmission(request);
  if (!start) return std::unexpected(start.error());
  if (start->duplicate_of) return DuplicateReceipt(*start->duplicate_of);
  storage::Transaction& txn = *start->transaction;
  if (options.all_or_nothing) {
    ORP_RETURN_IF_ERROR(ForEachValidated(file, validator, options, r, skip));
    if (r.rejected > 0 || HasErrors(r.findings)) {
      r.accepted = 0;
      r.rejected = r.received;
      return Finish(txn, std::move(r));
    }
    r = Receipt{};
  }
  Writer writer(txn, pseudonymiser, r);
  ORP_RETURN_IF_ERROR(ForEachValidated(file, validator, options, r,
                                       [&](ValidatedProcedure& v) { return writer.Write(v); }));
  return Finish(txn, std::move(r));
}

}  // namespace orp::ingest
