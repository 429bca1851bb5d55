// The command line (Boost.Program_options): which command, its files and options, and the
// `--key=value` overrides of grid keys.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sweep {

struct CliCommand {
  enum class Kind {
    kHelp,
    kVersion,
    kRun,
    kPlan,
    kRank,
    kMerge,
    kStatus,
    kExport,
    kReport,
    kPredict,
    kPrepare
  };
  Kind kind = Kind::kHelp;
  std::string grid;   // run, plan, status: the grid file
  std::string out;    // run, plan: --out ("" = default_out_path); export, report, predict: -o
  std::string shard;  // run, plan: --shard I/N ("" = from the array job, if any)
  int threads = 0;    // run, plan: --threads (0 = the rank's share of the node)
  int ranks = 0;      // plan: --ranks N on this node for the layout line (0 = alone and advice)
  double memory_per_rank = -1;  // run: --memory-per-rank MiB for cache_memory = auto (-1 = share)
  bool retry_failed = false;    // run, plan: --retry-failed (run stored failed trials again)
  bool allow_failed = false;    // run: --allow-failed (exit 0, not 3, when trials failed)
  double grace = 60;            // run: --grace seconds for running trials after a stop signal
  bool quiet = false;           // run: --quiet (no progress display)
  bool verbose = false;         // run: --verbose (a line per finished trial)
  double progress_every = 30;   // run: --progress-every seconds between log lines (no TTY)
  int keep_best = 0;            // run: --keep-best K checkpoints of the best trials
  std::string keep_by = "val_acc";  // run: --keep-by METRIC that ranks them
  std::string model;                // predict: --model CKPT
  std::string from;                 // predict: --from SWEEP.h5 (its best kept checkpoint)
  std::string data;                 // predict: --data PATH
  std::string robustness;           // predict: --robustness (key robustness's grammar)
  std::string images;               // prepare: --images DIR
  std::string labels;               // prepare: --labels CSV ("" = folder layout)
  int size = 0;                     // prepare: --size S
  std::string task = "grade";       // prepare: --task grade|binary (with --labels)
  bool lcn = false;                 // prepare: --lcn
  double lcn_sigma = 0;             // prepare: --lcn-sigma (0 = size / 30)
  double val_fraction = 0.1;        // prepare: --val
  double test_fraction = 0.1;       // prepare: --test
  std::uint64_t split_seed = 0;     // prepare: --split-seed
  std::size_t show = 10;            // plan: --show
  std::vector<std::string> files;   // rank, merge: results files (merge: the inputs)
  std::string by;                   // rank, report: --by
  std::size_t top = 10;             // rank, report: --top
  std::string title;                // report: --title
  int mistakes = -1;     // report: --mistakes trials with a gallery (-1: 1); predict: --mistakes N
  std::string where;     // rank: --where "key=value,..."
  std::string group_by;  // rank: --group-by KEY
  std::string format = "csv";                                  // export: --format csv|json
  bool curves = false;                                         // export: --curves
  bool robustness_rows = false;                                // export: --robustness
  bool activation_rows = false;                                // export: --activations
  bool calibration_rows = false;                               // export: --calibration
  std::vector<std::pair<std::string, std::string>> overrides;  // run, plan: --key=value
  std::string command_line;  // argv joined, stored in the results file
  std::string help;          // text for kHelp
};

// Parses argv. Returns kHelp with the usage text for no arguments, -h or --help (also after
// a command), kVersion for --version. Throws UsageError naming the option on an unknown
// command, a missing file argument, a bad option value or an override not written
// --key=value.
CliCommand parse_cli(int argc, const char* const* argv);

// The default results file: GRID's file name with ".h5" in the current folder, or
// "NAME.shard-I-of-N.h5" for a shard.
std::string default_out_path(const std::string& grid, const std::string& shard_tag);

// The default page of `sweep report`: the results file's name with ".html" instead of ".h5",
// in the current folder.
std::string default_report_path(const std::string& results_file);

// The usage text of the whole program.
std::string usage_text();

}  // namespace sweep
