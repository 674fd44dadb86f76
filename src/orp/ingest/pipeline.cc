#include "orp/ingest/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

#include "orp/ingest/chunk_writer.h"
#include "orp/ingest/opt_out_screen.h"
#include "orp/ingest/site_check.h"
#include "orp/ingest/validate_ahead.h"
#include "orp/storage/bulk_load_writes.h"

namespace orp::ingest {
namespace {

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

// For --as: who owns each site, from the ODS reference data `sites` reads (the store, or the
// open transaction), asked once per site of the file.
SiteOwnerLookup SiteOwners(const Validator& validator, storage::Reader& sites,
                           std::map<std::string, std::optional<domain::OdsCode>>& cache) {
  if (!validator.options().as_ods) return nullptr;
  return
      [&sites, &cache](const domain::OdsSiteCode& site) -> Result<std::optional<domain::OdsCode>> {
        if (auto it = cache.find(site.code()); it != cache.end()) return it->second;
        Result<std::optional<domain::Organisation>> org = sites.FindOrganisationOfSite(site);
        if (!org) return std::unexpected(org.error());
        std::optional<domain::OdsCode> owner;
        if (*org) owner = (*org)->code;
        cache.emplace(site.code(), owner);
        return owner;
      };
}

// Reads and validates every procedure of `file`, counting into `r`; accepted ones go to
// `on_accepted` (which may fail only for a store error). Sites are looked up in `sites`.
Result<void> ForEachValidated(const std::filesystem::path& file, const Validator& validator,
                              storage::Reader& sites, const IngestOptions& options, Receipt& r,
                              const OnAccepted& on_accepted) {
  std::map<std::string, std::optional<domain::OdsCode>> owners;
  const SiteOwnerLookup site_owner = SiteOwners(validator, sites, owners);
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
    ValidatedProcedure validated = validator.Validate(raw, site_owner);
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

// What the opt-out screen took back from the accepted procedures, settled into the receipt once
// the pass that screened them is over.
struct Screened {
  int64_t rejected = 0;
  std::vector<domain::Finding> findings;

  void SettleInto(Receipt& r) {
    r.accepted -= rejected;
    r.rejected += rejected;
    std::move(findings.begin(), findings.end(), std::back_inserter(r.findings));
    *this = Screened{};
  }
};

// The checks that need the store, run where the store is read (the writing thread, or this one
// on the passes that write nothing): the ODS reference data and the national data opt-out.
struct Screens {
  SiteCheck sites;
  OptOutScreen opt_out;
  bool active() const { return sites.active() || opt_out.active(); }
};

Result<Screens> CreateScreens(storage::Reader& store, const Validator& validator) {
  Result<SiteCheck> sites = SiteCheck::Create(store);
  if (!sites) return std::unexpected(sites.error());
  Result<OptOutScreen> opt_out = OptOutScreen::Create(store, validator.registries());
  if (!opt_out) return std::unexpected(opt_out.error());
  return Screens{std::move(*sites), *opt_out};
}

// Passes a procedure on unless the screens reject it (screened through `reader`).
OnPrepared ScreenThen(Screens& screens, storage::Reader& reader, Screened& screened,
                      OnPrepared next) {
  return
      [&screens, &reader, &screened, next = std::move(next)](PreparedProcedure& p) -> Result<void> {
        ORP_RETURN_IF_ERROR(screens.sites.Apply(p.validated, reader, screened.findings));
        Result<bool> keep = screens.opt_out.Apply(p, reader, screened.findings);
        if (!keep) return std::unexpected(keep.error());
        if (!*keep) {
          ++screened.rejected;
          return {};
        }
        return next ? next(p) : Result<void>();
      };
}

// For the passes that write nothing (dry run, all-or-nothing's check): the screen alone.
OnAccepted ScreenOnly(Screens& screens, storage::Reader& reader, Screened& screened,
                      const security::Pseudonymiser& pseudonymiser) {
  if (!screens.active()) return [](ValidatedProcedure&) -> Result<void> { return {}; };
  OnPrepared check = ScreenThen(screens, reader, screened, nullptr);
  return [&pseudonymiser, check](ValidatedProcedure& v) -> Result<void> {
    PreparedProcedure p{std::move(v), std::nullopt, std::nullopt};
    if (p.validated.nhs_number && !p.validated.anonymous) {
      p.pseudonym = pseudonymiser.Pseudonymise(*p.validated.nhs_number);
    }
    return check(p);
  };
}

Receipt DuplicateReceipt(const domain::Submission& earlier) {
  Receipt r;
  r.submission_id = earlier.id;
  r.status = "duplicate";
  r.received = earlier.received;
  r.accepted = earlier.accepted;
  r.rejected = earlier.rejected;
  nlohmann::ordered_json earlier_receipt =
      nlohmann::ordered_json::parse(earlier.receipt_json, nullptr, false);
  if (earlier_receipt.is_object()) {
    earlier_receipt["status"] = "duplicate";
    r.json = earlier_receipt.dump();
  } else {
    r.json = ReceiptJson(r);
  }
  return r;
}

// Drops the indexes ingest does not read when `options` (or, for kAuto, the file's size against
// the store's) asks for a bulk load and the store can (storage/bulk_load_writes.h); into a store
// without procedures, also those the writer can answer from memory (ADR 0010), and then `writer`
// serves its linkage from memory; into a store without patients either, also the demographics
// index, and the writer serves its patient look-ups from memory too.
// Whether `options` ask for a bulk load of `file` into a store holding about
// `stored_procedures`.
bool BulkLoadOf(const std::filesystem::path& file, const IngestOptions& options,
                int64_t stored_procedures) {
  if (options.bulk != BulkLoad::kAuto) return options.bulk == BulkLoad::kAlways;
  std::error_code error;
  const auto bytes = std::filesystem::file_size(file, error);
  if (error) return false;  // the reader reports an unreadable file
  return BulkLoadWanted(static_cast<int64_t>(bytes), stored_procedures, options.bulk_ratio);
}

Result<void> MaybeDeferIndexes(storage::Transaction& txn, const std::filesystem::path& file,
                               const IngestOptions& options, ChunkWriter& writer) {
  storage::BulkLoadWrites* bulk = storage::AsBulkLoadWrites(txn);
  if (bulk == nullptr || options.bulk == BulkLoad::kNever) return {};
  Result<int64_t> stored = bulk->StoredProceduresBound();
  if (!stored) return std::unexpected(stored.error());
  if (!BulkLoadOf(file, options, *stored)) return {};
  if (*stored != 0 || !options.bulk_every_index) return bulk->DeferIndexes();
  ORP_RETURN_IF_ERROR(bulk->DeferEveryIndex());
  writer.ServeLinkageFromMemory(*bulk);
  Result<int64_t> patients = bulk->StoredPatientsBound();
  if (!patients) return std::unexpected(patients.error());
  if (*patients != 0) return {};
  ORP_RETURN_IF_ERROR(bulk->DeferPatientIndexes());
  writer.ServePatientsFromMemory();
  return {};
}

// Whether to ask for an exclusive load (IngestOptions::exclusive): when MaybeDeferIndexes would
// defer every index were the store empty, which the store checks for itself.
bool ExclusiveLoadWanted(const std::filesystem::path& file, const IngestOptions& options) {
  return options.bulk_every_index && BulkLoadOf(file, options, 0);
}

Result<Receipt> Finish(storage::Transaction& txn, Receipt r) {
  r.submission_id = txn.submission();
  if (storage::BulkLoadWrites* bulk = storage::AsBulkLoadWrites(txn)) {
    ORP_RETURN_IF_ERROR(bulk->RestoreIndexes());  // nothing when none were deferred
  }
  // Linkage warnings are found when a chunk is written, after later rows were validated.
  std::stable_sort(
      r.findings.begin(), r.findings.end(),
      [](const domain::Finding& a, const domain::Finding& b) { return a.row < b.row; });
  Settle(r);
  ORP_RETURN_IF_ERROR(txn.AddFindings(r.findings));
  ORP_RETURN_IF_ERROR(
      txn.FinishSubmission({StatusEnum(r), r.received, r.accepted, r.rejected, r.json}));
  ORP_RETURN_IF_ERROR(txn.Commit());
  return r;
}

}  // namespace

bool BulkLoadWanted(int64_t file_bytes, int64_t stored_procedures, double ratio) {
  const int64_t estimate = file_bytes / kBulkBytesPerProcedure;
  return estimate >= kBulkMinProcedures &&
         static_cast<double>(estimate) >= ratio * static_cast<double>(stored_procedures);
}

Result<Receipt> IngestFile(storage::Store& store, const Validator& validator,
                           const security::Pseudonymiser& pseudonymiser,
                           const std::filesystem::path& file, const IngestOptions& options) {
  Receipt r;
  Result<Screens> screens = CreateScreens(store, validator);
  if (!screens) return std::unexpected(screens.error());
  Screened screened;
  if (options.dry_run) {
    ORP_RETURN_IF_ERROR(ForEachValidated(file, validator, store, options, r,
                                         ScreenOnly(*screens, store, screened, pseudonymiser)));
    screened.SettleInto(r);
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
  request.exclusive_load = options.exclusive && ExclusiveLoadWanted(file, options);
  Result<storage::SubmissionStart> start = store.BeginSubmission(request);
  if (!start) return std::unexpected(start.error());
  if (start->duplicate_of) return DuplicateReceipt(*start->duplicate_of);
  storage::Transaction& txn = *start->transaction;
  if (options.all_or_nothing) {
    ORP_RETURN_IF_ERROR(ForEachValidated(file, validator, txn, options, r,
                                         ScreenOnly(*screens, txn, screened, pseudonymiser)));
    screened.SettleInto(r);
    if (r.rejected > 0 || HasErrors(r.findings)) {
      r.accepted = 0;
      r.rejected = r.received;
      return Finish(txn, std::move(r));
    }
    r = Receipt{};
  }
  std::vector<domain::Finding> linkage_findings;
  ProcedureRecycler recycler;  // outlives the writer
  // Optional so that its memory (patients, linkage maps) is freed before the indexes are built.
  std::optional<ChunkWriter> chunk_writer;
  ChunkWriter& writer = chunk_writer.emplace(txn, linkage_findings, options.known_patients_limit);
  ORP_RETURN_IF_ERROR(MaybeDeferIndexes(txn, file, options, writer));
  // The screen reads through the transaction, on the thread that writes.
  const OnPrepared write = ScreenThen(
      *screens, txn, screened, [&](PreparedProcedure& p) { return writer.Add(std::move(p)); });
  // Pseudonymises and encrypts where it validates, then hands over.
  auto prepare_then = [&](const OnPrepared& next) -> OnAccepted {
    return [&pseudonymiser, next](ValidatedProcedure& v) -> Result<void> {
      Result<PreparedProcedure> prepared = Prepare(std::move(v), pseudonymiser);
      if (!prepared) return std::unexpected(prepared.error());
      return next(*prepared);
    };
  };
  if (validator.options().as_ods) {
    // --as looks sites up through the transaction, which belongs to this thread.
    ORP_RETURN_IF_ERROR(ForEachValidated(file, validator, txn, options, r, prepare_then(write)));
  } else {
    // The written procedures are freed on the reading thread, which allocated them.
    writer.RecycleThrough(recycler);
    ORP_RETURN_IF_ERROR(ValidateAhead(
        [&](const OnPrepared& sink) {
          return ForEachValidated(file, validator, store, options, r, prepare_then(sink));
        },
        write, &recycler));
  }
  ORP_RETURN_IF_ERROR(writer.Flush());
  chunk_writer.reset();
  screened.SettleInto(r);
  std::move(linkage_findings.begin(), linkage_findings.end(), std::back_inserter(r.findings));
  return Finish(txn, std::move(r));
}

}  // namespace orp::ingest
