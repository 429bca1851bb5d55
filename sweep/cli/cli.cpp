#include "sweep/cli/cli.h"

#include <boost/program_options.hpp>
#include <sstream>

#include "core/errors.h"
#include "core/result_columns.h"
#include "core/robustness.h"

namespace po = boost::program_options;

namespace sweep {
namespace {

po::options_description grid_command_options(CliCommand& c, bool run) {
  po::options_description d;
  d.add_options()("help,h", "show help")(
      "out,o", po::value(&c.out),
      "results file (default: the grid's name with .h5, in the current folder)");
  d.add_options()("shard", po::value(&c.shard),
                  "run shard I of N (I/N, from 1); default: from SLURM_ARRAY_* or LSB_JOBINDEX*");
  d.add_options()("retry-failed", po::bool_switch(&c.retry_failed),
                  "run trials stored as failed again");
  d.add_options()("threads", po::value(&c.threads),
                  "LibTorch threads per worker (default: its share of the node)");
  if (run) {
    d.add_options()("memory-per-rank", po::value<double>()->notifier([&c](double mib) {
      if (!(mib >= 0)) throw UsageError("--memory-per-rank must be 0 or more MiB");
      c.memory_per_rank = mib;
    }),
                    "MiB of image cache a rank may load under cache_memory = auto (default: "
                    "half the node's available memory, within its cgroup, per rank)");
    d.add_options()("allow-failed", po::bool_switch(&c.allow_failed),
                    "exit 0 even when some trials failed (default: exit code 3)");
    d.add_options()("grace", po::value(&c.grace),
                    "seconds running trials may go on after a stop signal (default 60)");
    d.add_options()("quiet,q", po::bool_switch(&c.quiet), "no progress display");
    d.add_options()("verbose,v", po::bool_switch(&c.verbose), "a line per finished trial");
    d.add_options()("progress-every", po::value(&c.progress_every),
                    "seconds between progress lines when stdout is not a terminal (default 30)");
    d.add_options()("keep-best", po::value(&c.keep_best),
                    "keep the best-epoch checkpoints of the K best trials");
    d.add_options()("keep-by", po::value(&c.keep_by), "metric that ranks them (default val_acc)");
  } else {
    d.add_options()("show", po::value(&c.show), "trials listed (default 10)");
    d.add_options()("ranks", po::value(&c.ranks),
                    "print the layout for this many MPI ranks on this node");
  }
  d.add_options()("grid", po::value(&c.grid), "grid file");
  return d;
}

// Moves the unregistered `--key=value` options of `parsed` into c.overrides. Throws UsageError
// for any other unknown option or argument.
void collect_overrides(const po::parsed_options& parsed, CliCommand& c) {
  for (const auto& o : parsed.options) {
    if (!o.unregistered) continue;
    const std::string& tok = o.original_tokens.empty() ? o.string_key : o.original_tokens.front();
    auto eq = tok.find('=');
    if (tok.rfind("--", 0) != 0 || eq == std::string::npos || eq == 2) {
      throw UsageError("unknown option or argument '" + tok +
                       "'; grid keys are overridden as --key=value");
    }
    c.overrides.emplace_back(tok.substr(2, eq - 2), tok.substr(eq + 1));
  }
}

// Parses `args` with `d` and `pos`, allowing `--key=value` overrides (collected into c). Returns
// false after -h/--help (c.kind is then kHelp).
bool parse_with_overrides(CliCommand& c, const std::vector<std::string>& args,
                          const po::options_description& d,
                          const po::positional_options_description& pos) {
  po::parsed_options parsed =
      po::command_line_parser(args).options(d).positional(pos).allow_unregistered().run();
  po::variables_map vm;
  po::store(parsed, vm);
  po::notify(vm);
  if (vm.count("help")) {
    c.kind = CliCommand::Kind::kHelp;
    return false;
  }
  collect_overrides(parsed, c);
  return true;
}

void parse_grid_command(CliCommand& c, const std::vector<std::string>& args, bool run) {
  po::positional_options_description pos;
  pos.add("grid", 1);
  if (!parse_with_overrides(c, args, grid_command_options(c, run), pos)) return;
  if (c.grid.empty())
    throw UsageError(std::string(run ? "run" : "plan") + ": missing the grid file argument");
  if (c.threads < 0) throw UsageError("--threads must be positive");
  if (c.ranks < 0) throw UsageError("--ranks must be positive");
  if (!(c.grace >= 0)) throw UsageError("--grace must be 0 or more seconds");
  if (!(c.progress_every > 0)) throw UsageError("--progress-every must be more than 0 seconds");
  if (c.quiet && c.verbose) throw UsageError("--quiet and --verbose exclude each other");
  if (c.keep_best < 0) throw UsageError("--keep-best must be 0 or more");
}

// Parses `d` plus -h and positional results files into c.files. Returns false after -h.
bool parse_file_command(CliCommand& c, const std::vector<std::string>& args,
                        po::options_description d) {
  d.add_options()("help,h", "show help")("files", po::value(&c.files)->multitoken(), "files");
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(d).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    c.kind = CliCommand::Kind::kHelp;
    return false;
  }
  return true;
}

void parse_rank(CliCommand& c, const std::vector<std::string>& args) {
  po::options_description d;
  d.add_options()("by", po::value(&c.by), "metric")("top", po::value(&c.top), "rows");
  d.add_options()("where", po::value(&c.where), "filter")("group-by", po::value(&c.group_by),
                                                          "key");
  if (parse_file_command(c, args, d) && c.files.empty()) {
    throw UsageError("rank: missing the results file argument");
  }
}

void parse_export(CliCommand& c, const std::vector<std::string>& args) {
  po::options_description d;
  d.add_options()("format", po::value(&c.format), "csv or json")(
      "out,o", po::value(&c.out), "file")("curves", po::bool_switch(&c.curves), "per-epoch rows")(
      "robustness", po::bool_switch(&c.robustness_rows), "per-perturbation rows")(
      "activations", po::bool_switch(&c.activation_rows), "per-layer rows")(
      "calibration", po::bool_switch(&c.calibration_rows), "per-bin rows");
  if (parse_file_command(c, args, d) && c.files.empty()) {
    throw UsageError("export: missing the results file argument");
  }
  if (int(c.curves) + int(c.robustness_rows) + int(c.activation_rows) + int(c.calibration_rows) >
      1) {
    throw UsageError(
        "export: --curves, --robustness, --activations and --calibration each give rows of "
        "their own; ask one");
  }
}

void parse_report(CliCommand& c, const std::vector<std::string>& args) {
  po::options_description d;
  d.add_options()("out,o", po::value(&c.out), "file")("by", po::value(&c.by), "metric")(
      "top", po::value(&c.top), "rows")("title", po::value(&c.title), "title")(
      "mistakes", po::value(&c.mistakes), "trials with a gallery");
  if (!parse_file_command(c, args, d)) return;
  if (c.files.empty()) throw UsageError("report: missing the results file argument");
  if (c.mistakes < -1) throw UsageError("--mistakes must be 0 or more");
  if (c.mistakes == -1) c.mistakes = 1;
  if (c.out.empty()) c.out = default_report_path(c.files.front());
}

void parse_status(CliCommand& c, const std::vector<std::string>& args) {
  po::options_description d;
  d.add_options()("help,h", "show help")("files", po::value(&c.files)->multitoken(), "files");
  po::positional_options_description pos;
  pos.add("files", -1);
  if (!parse_with_overrides(c, args, d, pos)) return;
  if (c.files.size() < 2)
    throw UsageError("status: expected GRID.ini and at least one results file");
  c.grid = c.files.front();
  c.files.erase(c.files.begin());
}

// Parses `args` (named options only) into `vm`. Returns false after -h (c.kind is then kHelp).
bool parse_named_options(CliCommand& c, const std::vector<std::string>& args,
                         const po::options_description& d, po::variables_map& vm) {
  po::store(po::command_line_parser(args).options(d).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    c.kind = CliCommand::Kind::kHelp;
    return false;
  }
  return true;
}

void parse_predict(CliCommand& c, const std::vector<std::string>& args) {
  po::options_description d;
  d.add_options()("help,h", "show help")("model", po::value(&c.model), "checkpoint")(
      "from", po::value(&c.from), "results file")("data", po::value(&c.data), "data")(
      "out,o", po::value(&c.out), "CSV file")("threads", po::value(&c.threads), "threads")(
      "mistakes", po::value(&c.mistakes), "most confident mistakes")(
      "robustness", po::value(&c.robustness), "perturbations");
  po::variables_map vm;
  if (!parse_named_options(c, args, d, vm)) return;
  if (c.threads < 0) throw UsageError("--threads must be positive");
  if (vm.count("mistakes")) {
    if (c.mistakes < 1 || c.mistakes > 100000) {
      throw UsageError("--mistakes must be 1 to 100000");
    }
    if (c.out.empty()) {
      throw UsageError("predict --mistakes N needs -o DIR: the folder its CSV and images go to");
    }
  } else {
    c.mistakes = 0;
  }
  if (c.model.empty() == c.from.empty()) {
    throw UsageError("predict: give either --model CHECKPOINT or --from RESULTS.h5");
  }
  if (c.data.empty()) throw UsageError("predict: missing --data PATH");
  if (vm.count("robustness")) {
    try {
      if (parse_robustness(c.robustness).empty()) throw std::invalid_argument("none asks nothing");
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--robustness: ") + e.what());
    }
    if (c.out.empty()) {
      throw UsageError("predict --robustness needs -o DIR: the folder its CSV files go to");
    }
  }
}

void parse_prepare(CliCommand& c, const std::vector<std::string>& args) {
  po::options_description d;
  d.add_options()("help,h", "show help")("images", po::value(&c.images), "folder")(
      "labels", po::value(&c.labels), "CSV")("size", po::value(&c.size), "pixels")(
      "out,o", po::value(&c.out), "cache file")("task", po::value(&c.task), "grade or binary")(
      "lcn", po::bool_switch(&c.lcn), "local contrast normalization")(
      "lcn-sigma", po::value(&c.lcn_sigma), "blur sigma")("val", po::value(&c.val_fraction),
                                                          "fraction")(
      "test", po::value(&c.test_fraction), "fraction")("split-seed", po::value(&c.split_seed),
                                                       "seed");
  po::variables_map vm;
  if (!parse_named_options(c, args, d, vm)) return;
  if (c.images.empty()) throw UsageError("prepare: missing --images DIR");
  if (c.out.empty()) throw UsageError("prepare: missing --out CACHE.h5");
  if (c.size < 8 || c.size > 4096) throw UsageError("prepare: --size must be 8-4096 pixels");
  if (c.task != "grade" && c.task != "binary") {
    throw UsageError("prepare: --task must be grade or binary");
  }
  if (c.labels.empty() && vm.count("task")) {
    throw UsageError(
        "prepare: --task needs --labels (the folder layout's classes are its subfolders)");
  }
  if (!(c.val_fraction >= 0 && c.test_fraction >= 0 && c.val_fraction + c.test_fraction < 1)) {
    throw UsageError("prepare: --val and --test must be 0 or more and leave images for training");
  }
  if (!(c.lcn_sigma >= 0)) throw UsageError("prepare: --lcn-sigma must be positive");
  if (c.lcn && c.lcn_sigma == 0) c.lcn_sigma = c.size / 30.0;
  if (!c.lcn && vm.count("lcn-sigma")) throw UsageError("prepare: --lcn-sigma needs --lcn");
}

void parse_merge(CliCommand& c, const std::vector<std::string>& args) {
  if (!parse_file_command(c, args, po::options_description())) return;
  if (c.files.size() < 2) throw UsageError("merge: expected OUT.h5 and at least one input file");
  c.out = c.files.front();
  c.files.erase(c.files.begin());
}

}  // namespace

std::string default_out_path(const std::string& grid, const std::string& shard_tag) {
  std::string base = grid.substr(grid.find_last_of('/') + 1);
  auto dot = base.rfind('.');
  if (dot != std::string::npos && dot > 0) base = base.substr(0, dot);
  return base + (shard_tag.empty() ? "" : ".shard-" + shard_tag) + ".h5";
}

std::string default_report_path(const std::string& results_file) {
  std::string base = results_file.substr(results_file.find_last_of('/') + 1);
  if (base.size() > 3 && base.compare(base.size() - 3, 3, ".h5") == 0) base.resize(base.size() - 3);
  return base + ".html";
}

namespace {

// The metrics `sweep rank --by` takes, "val_loss, val_acc, ...": the result columns that rank.
std::string rank_metric_list() {
  std::string list;
  for (const auto& c : kResultColumns) {
    if (c.better != Better::kNone) list += std::string(list.empty() ? "" : ", ") + c.name;
  }
  return list;
}

}  // namespace

std::string usage_text() {
  return "usage:\n"
         "  sweep run GRID.ini [--out FILE.h5] [--threads N] [--shard I/N] [--retry-failed]\n"
         "                    [--grace SECONDS] [--quiet | --verbose] [--progress-every SECONDS]\n"
         "                    [--keep-best K [--keep-by METRIC]] [--memory-per-rank MIB]\n"
         "                    [--allow-failed] [--KEY=VALUE ...]\n"
         "      expand the grid and train every trial not yet in FILE.h5 (run under mpirun:\n"
         "      rank 0 coordinates, the other ranks train; alone, rank 0 trains). SIGINT,\n"
         "      SIGTERM or SIGUSR1 stop it: running trials get --grace seconds (default 60).\n"
         "      Progress is redrawn on a terminal, else logged every --progress-every seconds\n"
         "      (default 30); --quiet: none; --verbose: also a line per finished trial.\n"
         "      --keep-best K keeps the best-epoch checkpoints of the K best trials by METRIC\n"
         "      (default val_acc) in FILE.h5.checkpoints/. --memory-per-rank: image cache a\n"
         "      rank may load under cache_memory = auto (default: half the available memory,\n"
         "      within the job's cgroup, per rank on the node); larger caches are streamed.\n"
         "      Failed trials are stored and the sweep goes on; it then exits 3, or 0 with\n"
         "      --allow-failed\n"
         "  sweep plan GRID.ini [--out FILE.h5] [--show N] [--shard I/N] [--retry-failed]\n"
         "                     [--ranks N] [--threads N] [--KEY=VALUE ...]\n"
         "      print the trials, their estimated relative cost, what FILE.h5 already holds,\n"
         "      and the layout (workers and threads) for N ranks on this node\n"
         "  sweep rank FILE.h5... [--by METRIC] [--top N] [--where K=V,...] [--group-by KEY]\n"
         "      print the best trials (METRIC: " +
         rank_metric_list() +
         ";\n"
         "      --top 0 prints all), only those whose keys have the --where values;\n"
         "      --group-by: best/mean/std of METRIC per value of KEY\n"
         "  sweep export FILE.h5... [--format csv|json] [-o PATH]\n"
         "              [--curves | --robustness | --activations | --calibration]\n"
         "      the trials (--curves: per-epoch rows; --robustness: per perturbation and\n"
         "      level; --activations: per activation layer; --calibration: per confidence\n"
         "      bin) as CSV or JSON, to PATH or stdout\n"
         "  sweep report FILE.h5... [-o PATH.html] [--by METRIC] [--top N] [--title TEXT]\n"
         "                [--mistakes N]\n"
         "      one self-contained HTML page (opens offline): summary, top trials, METRIC per\n"
         "      key, importance, parallel coordinates, learning curves, confusion, the most\n"
         "      confident mistakes of the N best trials as images (default 1), timeline\n"
         "  sweep merge OUT.h5 FILE.h5...\n"
         "      write the distinct trials of several results files (e.g. shards) to a new file\n"
         "  sweep status GRID.ini FILE.h5... [--KEY=VALUE ...]\n"
         "      how many of the grid's trials the files hold: done, failed, missing, per "
         "file/shard\n"
         "  sweep predict (--model CKPT.pt | --from FILE.h5) --data PATH [-o PREDS.csv]\n"
         "                [--threads N] [--mistakes N -o DIR] [--robustness LIST -o DIR]\n"
         "      apply a kept model (--from: the best checkpoint kept by run --keep-best) to an\n"
         "      IDX folder, a CSV or an image cache's test split; print accuracy, F1 and the\n"
         "      confusion when it has labels, and write one prediction per image (Kaggle\n"
         "      `ImageId,Label` without labels); --mistakes N: the N most confident wrong\n"
         "      predictions as DIR/mistakes.csv and PNG images, predictions in "
         "DIR/predictions.csv;\n"
         "      --robustness LIST (as the key robustness): accuracy per perturbation and\n"
         "      level in DIR/robustness.csv\n"
         "  sweep prepare --images DIR [--labels CSV [--task grade|binary]] --size S\n"
         "                --out CACHE.h5 [--lcn [--lcn-sigma X]] [--val F] [--test F]\n"
         "                [--split-seed N]\n"
         "      decode, crop, resize (and normalize) photographs once into an HDF5 image\n"
         "      cache, split by patient (run under mpirun: the images are shared out)\n"
         "  sweep --version | --help\n"
         "--KEY=VALUE sets a grid key (a comma-separated list makes it an axis).\n"
         "exit codes: 0 done, 1 internal or I/O error, 2 bad input (nothing written),\n"
         "  3 run ended but some trials failed (stored as failed; not with --allow-failed),\n"
         "  75 stopped by a signal (finished trials are stored; the same command resumes)\n";
}

CliCommand parse_cli(int argc, const char* const* argv) {
  CliCommand c;
  for (int i = 0; i < argc; ++i) c.command_line += (i ? " " : "") + std::string(argv[i]);
  c.help = usage_text();
  if (argc < 2) return c;
  const std::string cmd = argv[1];
  std::vector<std::string> rest(argv + 2, argv + argc);
  try {
    if (cmd == "-h" || cmd == "--help" || cmd == "help") return c;
    if (cmd == "--version" || cmd == "version") {
      c.kind = CliCommand::Kind::kVersion;
    } else if (cmd == "run" || cmd == "plan") {
      c.kind = cmd == "run" ? CliCommand::Kind::kRun : CliCommand::Kind::kPlan;
      parse_grid_command(c, rest, cmd == "run");
    } else if (cmd == "status") {
      c.kind = CliCommand::Kind::kStatus;
      parse_status(c, rest);
    } else if (cmd == "merge") {
      c.kind = CliCommand::Kind::kMerge;
      parse_merge(c, rest);
    } else if (cmd == "rank") {
      c.kind = CliCommand::Kind::kRank;
      parse_rank(c, rest);
    } else if (cmd == "export") {
      c.kind = CliCommand::Kind::kExport;
      parse_export(c, rest);
    } else if (cmd == "report") {
      c.kind = CliCommand::Kind::kReport;
      parse_report(c, rest);
    } else if (cmd == "prepare") {
      c.kind = CliCommand::Kind::kPrepare;
      parse_prepare(c, rest);
    } else if (cmd == "predict") {
      c.kind = CliCommand::Kind::kPredict;
      parse_predict(c, rest);
    } else {
      throw UsageError(
          "unknown command '" + cmd +
          "'; one of run, plan, rank, merge, status, export, report, predict, prepare");
    }
  } catch (const po::error& e) {
    throw UsageError(cmd + ": " + e.what());
  }
  return c;
}

}  // namespace sweep
