// Test support for the upgrade tests (ops, #10): a database created by every earlier schema
// version, holding representative data, must upgrade with this orp and keep its data and
// behaviour. Both backends' upgrade tests (storage/sqlite/upgrade_test.cc,
// storage/postgres/upgrade_test.cc) build the old database the same way:
//
//   1. a reference store at the current schema is filled through the Store API
//      (WriteRepresentativeData: one of everything the schema holds);
//   2. for each version N, a new database is migrated to 1..N only, and every table that exists
//      at N receives the reference's rows, projected on the columns that exist at N (CopySql);
//      that is the database as an orp of version N would have left it, up to the values of
//      columns added later, which their migrations default;
//   3. the database is opened with the current orp (which upgrades it), and
//      - every row, on the columns that existed at N, equals the reference's (DumpSql),
//      - the Store reads and writes it like the reference (ExpectBehavesLikeReference).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orp/storage/store.h"

namespace orp::storage::upgrade {

// Writes one of everything, through the Store API: organisation, clinician, device models (two
// versions of one), patients, procedures with implants, a resubmitted procedure (a history
// version), a revision that removes an implant, a death, an outcome event, findings, audit
// entries, a user with grants, a session, an API token, a sign-in attempt, signals, a recall
// with a patient, an implant link and a contact.
void WriteRepresentativeData(Store& store);

// The name a column had at schema `version` (device_models.di was `gtin` before 0003).
std::string ColumnAt(std::string_view table, std::string_view column, int version);

// The inverse: the current name of a column named `column` at schema `version`.
std::string ColumnNow(std::string_view table, std::string_view column, int version);

// INSERT INTO `table` (columns as named at `version`) SELECT (current names) FROM
// `source_prefix``table`. `columns` are the current names of the columns that exist at version.
std::string CopySql(std::string_view table, const std::vector<std::string>& columns,
                    std::string_view source_prefix, int version);

// SELECT each row of `prefix``table` as one text, its columns cast to text and |-joined, in order.
std::string DumpSql(std::string_view table, const std::vector<std::string>& columns,
                    std::string_view prefix);

// The Store-level checks of step 3; `version` is the schema the database was created at
// (entities whose tables came later are compared only when it had them).
void ExpectBehavesLikeReference(Store& upgraded, Store& reference, int version);

}  // namespace orp::storage::upgrade
