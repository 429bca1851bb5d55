#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>

#include "results/rank.h"
#include "results/store.h"
#include "sweep/commands.h"
#include "sweep/coordinator.h"
#include "sweep/errors.h"
#include "sweep/plan.h"
#include "sweep/scheduler.h"
#include "sweep/trial_id.h"
#include "sweep/version.h"

namespace sweep {
namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

std::string result_line(const TrialResult& r, std::size_t done, std::size_t total) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "[%zu/%zu] %s %-8s val_acc %.4f test_acc %.4f  %.1f s  rank %d x%d thr", done,
                total, trial_id_hex(r.trial_id).c_str(), status_name(r.status), r.val_acc,
                r.test_acc, r.wall_seconds, r.rank, r.threads);
  std::string s = buf;
  if (!r.message.empty()) s += "  (" + r.message + ")";
  return s;
}

// Everything rank 0 prepares before any trial runs. Bad input leaves `code` at 2 with
// nothing written.
struct Prepared {
  std::optional<Plan> plan;
  std::optional<results::Store> store;
  std::vector<std::size_t> order;
  Target target;
  std::size_t skipped = 0, in_shard = 0;
  int code = kExitOk;
};

Prepared prepare(const CliCommand& cmd) {
  Prepared p;
  try {
    p.target = resolve_target(cmd, process_env());
    p.plan = make_plan(cmd.grid, cmd.overrides);
    std::set<std::uint64_t> done;
    if (results::file_exists(p.target.out)) {
      p.store = results::Store::open_append(p.target.out);
      done = p.store->stored_ids();
    }
    const std::vector<std::size_t> members = shard_members(*p.plan, p.target.shard);
    p.order = pending_order(p.plan->trials, p.plan->costs, done, &members);
    p.in_shard = members.size();
    p.skipped = members.size() - p.order.size();
    if (!p.store) {
      results::StoreInfo info;
      info.grid_path = cmd.grid;
      info.grid_text = p.plan->grid.text;
      info.command_line = cmd.command_line;
      info.program_version = kVersion;
      info.dataset = p.plan->data.description;
      info.shard = p.target.shard ? p.target.shard->tag() : "";
      info.created_unix =
          std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
              .count();
      p.store = results::Store::create(p.target.out, info);
    }
  } catch (const std::exception& e) {
    // Nothing has been written when the input is bad: the store is created last.
    std::cerr << "sweep: error: " << e.what() << "\n";
    p.code = exit_code_of(e);
  }
  return p;
}

}  // namespace

int run_command(const CliCommand& cmd, const MpiSession& mpi) {
  const bool root = mpi.rank() == 0;
  const auto t0 = std::chrono::steady_clock::now();
  Prepared p;
  if (root) p = prepare(cmd);
  const int code = mpi.size() > 1 ? polled_broadcast(p.code) : p.code;
  if (code != kExitOk) return code;

  const NodeFacts facts = node_facts(mpi);
  worker::WorkerContext ctx;
  ctx.rank = mpi.rank();
  ctx.threads = threads_per_worker(facts, cmd.threads);
  ctx.host = mpi.host();
  const bool trains = mpi.size() == 1 || !root;
  if (trains) worker::configure_runtime(ctx.threads);
  worker::DataCache cache;

  if (!root) {
    serve_as_worker(cache, ctx);
    polled_barrier();
    return kExitOk;
  }
  const std::string warning = worker::blas_warning();
  if (!warning.empty()) std::cerr << "sweep: " << warning << "\n";
  const std::size_t total = p.order.size();
  std::cout << "sweep " << kVersion << ": " << p.plan->trials.size() << " trials in " << cmd.grid;
  if (p.target.shard) {
    std::cout << ", shard " << p.target.shard->index + 1 << " of " << p.target.shard->count << " ("
              << p.target.shard->source << "): " << p.in_shard << " trials";
  }
  std::cout << ", " << p.skipped << " already in " << p.target.out << ", " << total << " to run on "
            << (mpi.size() == 1 ? 1 : mpi.size() - 1) << " worker rank(s)"
            << (mpi.size() == 1 ? " (rank 0 trains, " + std::to_string(ctx.threads) + " threads)"
                                : "")
            << "\n"
            << std::flush;
  std::size_t done = 0;
  const double cpu0 = cpu_seconds();
  const auto loop_start = std::chrono::steady_clock::now();
  ResultSink sink = [&](const TrialSpec& spec, const TrialResult& r) {
    p.store->append(spec, r);
    std::cout << result_line(r, ++done, total) << "\n" << std::flush;
  };
  if (mpi.size() == 1) {
    run_locally(p.plan->trials, p.order, cache, ctx, sink);
  } else {
    coordinate(p.plan->trials, p.order, mpi.size() - 1, sink);
    polled_barrier();
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("done: %zu trials in %.1f s", done, wall);
  if (mpi.size() > 1 && done > 0) {
    const double cpu = cpu_seconds() - cpu0;
    const double loop =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - loop_start).count();
    std::printf("; coordinator CPU %.2f s over %.1f s of coordinating (%.2f%%)", cpu, loop,
                100 * cpu / loop);
  }
  std::printf("; results in %s\n\n", p.target.out.c_str());
  std::cout << results::rank_table(p.store->read_trials(), results::RankOptions{}) << std::flush;
  return kExitOk;
}

}  // namespace sweep
