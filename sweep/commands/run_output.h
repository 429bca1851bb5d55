// What `sweep run` prints on rank 0 besides the progress line: its first line, the per-trial
// lines of --verbose, the summaries of successive halving and TPE, and the line of a stop.
#pragma once

#include <string>

#include "core/trial.h"
#include "sweep/cli/cli.h"
#include "sweep/commands/progress.h"
#include "sweep/commands/run_prepare.h"
#include "sweep/commands/sweep_work.h"
#include "sweep/grid/grid.h"
#include "sweep/search/asha.h"

namespace sweep {

// The --verbose line of a finished job: its place, trial id, status, metrics, time, where it
// ran, the values of the grid's axes, for successive halving its rung, and the message.
std::string result_line(const TrialSpec& spec, const TrialResult& r, const Grid& grid,
                        std::size_t done, std::size_t total);

// The progress display `cmd` asks for: off with --quiet; redrawn when stdout (seen through
// mpirun) is a terminal; log lines every --progress-every seconds otherwise.
ProgressDisplay make_display(const CliCommand& cmd);

// "ASHA over N configurations in GRID (rungs at ... epochs, reduction factor R, about J rung
// jobs), K rung results already in OUT, on ON" (ON: e.g. "2 worker rank(s)").
std::string asha_header(const AshaScheduler& a, std::size_t configs, const std::string& grid,
                        int reduction_factor, std::size_t expected_jobs, std::size_t restored,
                        const std::string& out, const std::string& on);

// "ASHA: C of N configurations started, T reached the top rung (E epochs); X epochs trained in
// all, against N*E for all of them to E epochs".
std::string asha_summary(const AshaScheduler& a, std::size_t configs);

// "TPE over S trials in GRID (the first T drawn at random, then suggested from the results as
// they come; search_seed X), K already in OUT, N to run on ON".
std::string tpe_header(const SearchSettings& s, const std::string& grid, std::size_t restored,
                       std::size_t to_run, const std::string& out, const std::string& on);

// "TPE: K of S trials in the file, M suggested by the model in this run (R repeated
// suggestions dropped)", and when the space ran out, that no new trial could be found.
std::string tpe_summary(std::size_t trials, std::size_t samples, std::size_t from_model,
                        std::size_t repeats, bool exhausted);

// The first line of `sweep run` on rank 0: what runs (trials, a shard, ASHA or TPE), how much
// the file already holds, and on what (`on`: e.g. "2 worker rank(s)"; `alone_threads` > 0:
// rank 0 trains alone with that many threads).
// "N trials saved mid-way continue first, from ID epoch E (+ B batches), ...": the run header's
// line for the states an earlier run left (at most 5 named).
std::string saved_line(const std::map<std::uint64_t, StateHeader>& saved);

std::string run_header(const Prepared& p, const SweepWork& w, const CliCommand& cmd,
                       const std::string& on, int alone_threads);

// The lines after `done:` for successive halving (and what TPE suggested to it) and for TPE;
// "" for a plain list of trials.
std::string run_summary(const Prepared& p, const SweepWork& w);

// The line of a sweep stopped by signal `signal` before its jobs all ran: how many finished,
// were abandoned and did not start, and how to resume.
std::string stopped_text(const Prepared& p, const SweepWork& w, const std::string& signal,
                         std::size_t done, std::size_t abandoned);

}  // namespace sweep
