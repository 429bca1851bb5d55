// Commands that need no MPI: plan, rank, export, report, merge and status.
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "core/errors.h"
#include "core/version.h"
#include "results/export.h"
#include "results/merge.h"
#include "results/rank.h"
#include "results/report_data.h"
#include "results/report_html.h"
#include "results/store.h"
#include "sweep/commands/commands.h"
#include "sweep/commands/plan.h"
#include "sweep/commands/status.h"
#include "sweep/commands/whole_file.h"
#include "sweep/mpi/layout.h"
#include "sweep/search/scheduler.h"

namespace sweep {

namespace {

// The cores this process may run on (its CPU affinity mask, as mpirun and Slurm set it).
int cores_of_this_process() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof mask, &mask) != 0) {
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
  return std::max(1, CPU_COUNT(&mask));
}

}  // namespace

int plan_command(const CliCommand& cmd) {
  const Target target = resolve_target(cmd, process_env());
  Plan plan = make_plan(cmd.grid, cmd.overrides);
  std::set<std::uint64_t> done;
  if (results::file_exists(target.out)) {
    done = ids_to_skip(results::Store::open_read(target.out).stored_status(), cmd.retry_failed);
  }
  const std::vector<std::size_t> members = shard_members(plan, target.shard);
  std::vector<std::size_t> order = pending_order(plan.trials, plan.costs, done, &members);
  std::cout << describe_plan(plan, target, order, members.size() - order.size(), cmd.show);
  std::cout << describe_layout(cores_of_this_process(), cmd.ranks, cmd.threads) << "\n";
  return kExitOk;
}

namespace {

// The trials of every file, read as one sweep. Throws StoreFormatError, StoreError.
std::vector<results::StoredTrial> read_all(const std::vector<std::string>& files) {
  std::vector<results::StoredTrial> all;
  for (const auto& f : files) {
    auto trials = results::Store::open_read(f).read_trials();
    all.insert(all.end(), std::make_move_iterator(trials.begin()),
               std::make_move_iterator(trials.end()));
  }
  return all;
}

}  // namespace

int rank_command(const CliCommand& cmd) {
  results::RankOptions o;
  o.by = cmd.by;
  o.top = cmd.top;
  o.where = results::parse_where(cmd.where);
  o.group_by = cmd.group_by;
  const std::vector<results::StoredTrial> all = read_all(cmd.files);
  std::cout << (o.group_by.empty() ? results::rank_table(all, o) : results::group_table(all, o));
  return kExitOk;
}

int export_command(const CliCommand& cmd) {
  const results::ExportFormat format = results::parse_export_format(cmd.format);
  const std::string text = results::export_trials(read_all(cmd.files), format, cmd.curves);
  if (cmd.out.empty() || cmd.out == "-") {
    std::cout << text;
    return kExitOk;
  }
  write_whole_file(cmd.out, text);
  std::cerr << "exported " << cmd.files.size() << " file(s) to " << cmd.out << "\n";
  return kExitOk;
}

int report_command(const CliCommand& cmd) {
  std::vector<results::ReportSource> sources;
  for (const auto& f : cmd.files) {
    results::Store store = results::Store::open_read(f);
    sources.push_back({f, store.info(), store.read_trials()});
  }
  results::ReportOptions o;
  o.by = cmd.by;
  o.top = cmd.top;
  o.title = cmd.title;
  if (o.title.empty()) {
    o.title = "sweep report: " + cmd.files.front();
    if (cmd.files.size() > 1) o.title += " and " + std::to_string(cmd.files.size() - 1) + " more";
  }
  o.generated_unix =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string html = results::report_html(results::report_json(sources, o), o.title);
  write_whole_file(cmd.out, html);
  std::cout << "report: " << cmd.out << " (" << html.size() / 1024
            << " KiB; open it in a browser)\n";
  return kExitOk;
}

int merge_command(const CliCommand& cmd) {
  if (results::file_exists(cmd.out)) {
    throw UsageError(cmd.out + ": already exists; merge writes a new file");
  }
  results::MergeReport r = results::merge_files(cmd.out, cmd.files, cmd.command_line, kVersion);
  for (const auto& w : r.warnings) std::cerr << "sweep: warning: " << w << "\n";
  for (const auto& c : r.conflicts) std::cerr << "sweep: conflict: " << c << "\n";
  std::cout << "merged " << cmd.files.size() << " files into " << cmd.out << ": " << r.written
            << " trials (" << r.rows_read << " rows read, " << r.identical_duplicates
            << " identical duplicates dropped, " << r.conflicts.size() << " conflicting)\n";
  return kExitOk;
}

int status_command(const CliCommand& cmd) {
  Plan plan = make_plan(cmd.grid, cmd.overrides);
  std::vector<FileTrials> files;
  for (const auto& path : cmd.files) {
    results::Store store = results::Store::open_read(path);
    FileTrials f;
    f.path = path;
    f.shard = store.info().shard;
    for (const auto& [id, status] : store.stored_status()) f.trials.emplace_back(id, status);
    files.push_back(std::move(f));
  }
  std::cout << format_status(grid_status(plan, files));
  return kExitOk;
}

}  // namespace sweep
