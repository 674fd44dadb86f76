// Loading instrument definitions (PROM and PREM questionnaires) from TOML files; the format is
// docs/proms-instruments.md. Shipped free instruments live in `instruments/` at the root of the
// repository; licensed ones (Oxford scores, EQ-5D) are installed by a registry that holds a
// licence, in the same format.
//
// Strict like the registry loader: unknown keys, wrong types, repeated codes, options out of
// order, a declared score range the items cannot produce, a value set that does not fit its
// items are all errors. Every error is kInvalidArgument "FILE:LINE: where: reason", e.g.
//   instruments/pain.toml:12: item 'pain': option value 3 repeated
// kNotFound when a file or directory does not exist or holds no definitions.
//
// toml++ is used only inside instrument_loader*.cc.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/proms/instrument.h"

namespace orp::proms {

// The instruments loaded at start, sorted by code. Immutable; copies share the definitions and
// any number of threads may read one concurrently.
class InstrumentSet {
 public:
  InstrumentSet() = default;

  // kInvalidArgument when two instruments share a code, naming both files.
  static Result<InstrumentSet> Create(std::vector<Instrument> instruments);

  const Instrument* Find(std::string_view code) const;  // exact code, or nullptr
  std::span<const Instrument> instruments() const;
  size_t size() const { return instruments_ ? instruments_->size() : 0; }

 private:
  explicit InstrumentSet(std::shared_ptr<const std::vector<Instrument>> instruments)
      : instruments_(std::move(instruments)) {}
  std::shared_ptr<const std::vector<Instrument>> instruments_;
};

// Parses one instrument from TOML text; `source_name` is what messages call the file.
Result<Instrument> ParseInstrument(std::string_view toml_text, const std::string& source_name);

// Loads one file; `source` in the result is the path as given.
Result<Instrument> LoadInstrumentFile(const std::filesystem::path& file);

// Loads every *.toml directly in `dir` (in name order), or the single file `path` names.
Result<InstrumentSet> LoadInstruments(const std::filesystem::path& path);

}  // namespace orp::proms
