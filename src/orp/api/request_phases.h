// Where one request's time went, for the slow-request log line (recall, #8: the HTTP p99
// stalls). The request is handled on one thread from its start to its response, so the record
// is per thread: the session calls Begin when a request's header has arrived, code on the path
// calls Mark("name") when a phase ends (the time since the previous mark, or since Begin, is
// charged to that name; a name marked twice adds up), and the session asks for Summary when the
// response is ready. Costs a clock read per mark and a getrusage call at Begin and Summary (the
// thread's CPU time, major page faults and block reads: what tells a request that waited for a
// core from one that waited for the disk).
//
// Phase names are string literals naming code, never data: the summary goes to the log, so it
// holds no identifier. Thread safety: per thread (thread_local state).
#pragma once

#include <string>

namespace orp::api::phases {

// Starts a request's record on this thread (forgetting any earlier one).
void Begin();

// Ends phase `name` (a string literal: the pointer is kept). Ignored past 16 distinct names.
void Mark(const char* name);

// "auth=0.05 policy=0.00 query=2.31 serialise=0.04 cpu=2.30 major_faults=0 block_reads=0"
// (milliseconds, in first-mark order; then this thread's CPU milliseconds, major page faults and
// block reads since Begin).
std::string Summary();

}  // namespace orp::api::phases
