// What `sweep run` prints on rank 0 besides the progress line: the per-trial lines of
// --verbose and the header and summary of a successive-halving sweep.
#pragma once

#include <string>

#include "core/trial.h"
#include "sweep/commands/cli.h"
#include "sweep/commands/progress.h"
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

}  // namespace sweep
