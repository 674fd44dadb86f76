// A surveillance run: build the cohort from the store, apply every method (methods.h) to every
// device model, brand, construct, surgeon and hospital of every registry, rate device models
// against the loaded benchmark criteria (benchmarks.h), and record the signals in one
// transaction. A signal seen before is updated (its review status kept), never duplicated; see
// storage/signals.h. Runs are whole-cohort today: every method here is cheap next to reading
// the store (docs/performance.md, "## Surveillance").
//
// Errors: the store's (kUnavailable, kDataLoss, ...) and kInvalidArgument for bad options.
// Thread safety: one run per store at a time is the expected use; concurrent runs serialise on
// the store's writer and the later one's figures win.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/storage/store.h"
#include "orp/surveillance/benchmarks.h"
#include "orp/surveillance/methods.h"

namespace orp::surveillance {

struct RunOptions {
  Date data_cut{};
  // 0: a full run. Otherwise an incremental run after the changes numbered above this (the
  // change_seq an earlier run reported): only signals of units the changed procedures touch
  // (their surgeon, hospital, device models, brands and construct) are written, so a run after
  // each accepted submission neither re-touches nor re-dates the rest. A unit is judged against
  // its registry or class, so the methods evaluate every primary of the registries touched
  // (Cohort RegistriesOf): the same signals for those units as a full run.
  int64_t since_change = 0;
  MethodOptions methods;
  std::vector<ClassCriterion> benchmarks;  // empty: no ratings (benchmarks.h)
};

struct RunSummary {
  int64_t primaries = 0;
  int64_t device_models = 0;
  int64_t surgeons = 0;
  int64_t hospitals = 0;
  int64_t signals_new = 0;
  int64_t signals_updated = 0;
  std::vector<storage::Signal> signals;  // as raised by this run, with their stored ids
  // One line per risk model that could not be fitted (registry, method, why): those methods
  // raised no signals for that registry in this run.
  std::vector<std::string> model_notes;
  std::vector<ModelRating> ratings;  // every model of a class with benchmark criteria (of the
                                     // registries evaluated: all, or those changes touched)
  int64_t change_seq = 0;            // the store's change number this run saw (for since_change)
  int64_t affected_units = 0;        // incremental runs: units the changes touched
  // Where the run's CPU went (#7): each phase's CPU time in milliseconds, measured on the thread
  // that ran it (the funnels run on a second thread beside the device methods and CUSUM, so the
  // phases can add up to more than the run's wall time). For measuring, not for decisions.
  std::vector<std::pair<std::string, double>> phase_cpu_ms;
};

// The units touched by procedures changed after `since_change` (brands from `cohort`'s catalogue).
Result<std::set<UnitKey>> AffectedUnits(storage::Reader& reader, int64_t since_change,
                                        const Cohort& cohort);

// Every signal the methods raise on `cohort` (no store involved); models that could not be
// fitted are described in `notes` when given.
// `phases`, when given, gets each method family's thread CPU time (RunSummary::phase_cpu_ms);
// `increment` narrows the methods that allow it to an incremental run's units and kept models
// (methods.h Increment).
Result<std::vector<storage::Signal>> EvaluateCohort(
    const Cohort& cohort, const MethodOptions& options, std::vector<std::string>* notes = nullptr,
    std::vector<std::pair<std::string, double>>* phases = nullptr,
    const Increment* increment = nullptr);

// Fits the models an incremental run keeps (KeptModels) on `cohort`, as a full run would, and
// raises no signals: what a server's last run before a batch left kept (`orp surveillance run
// --resident`, the equivalence test).
Result<void> KeepModels(const Cohort& cohort, const MethodOptions& options, KeptModels& kept);

class ResidentCohort;  // resident.h

// With `resident` (orp serve --surveil keeps one between runs), the cohort comes from it: loaded
// by a full read when it is empty, was loaded for another data cut, or the run is a full one
// (since_change 0); otherwise patched from the procedures changed after since_change
// (resident.h), so an incremental run reads the changes, not the store. A full run (re)fits the
// resident's kept risk models; an incremental run uses them (methods.h KeptModels: the same
// signals as a full run that used the same kept models).
Result<RunSummary> RunSurveillance(storage::Store& store, const RunOptions& options,
                                   ResidentCohort* resident = nullptr);

}  // namespace orp::surveillance
