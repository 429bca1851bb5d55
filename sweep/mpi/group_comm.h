// The communicator of one trial group (ranks_per_trial > 1) as the worker's TrialGroup: sums
// over MPI (non-blocking ones for gradient buckets), the agreement on failures, and the
// messages the group's leader passes on to its members (the next job, stop).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sweep/mpi/groups.h"
#include "sweep/mpi/protocol.h"
#include "sweep/mpi/session.h"
#include "sweep/mpi/signals.h"
#include "worker/trial_group.h"

namespace sweep {

// A fault to inject for tests (the environment variable SWEEP_FAULT_INJECT): member M
// reports a failure at its K-th agreement ("member=M,agree=K"), or throws at the K-th time it
// reaches a named point of a trial ("member=M,at=POINT" or "member=M,at=POINT:K"; the points:
// worker/trial_group.h, kFaultPoints and kShareFaultPoint; M >= 0; another point name or number
// is refused); with ",oom" after the point, LibTorch's own
// out-of-memory error is what it throws there.
struct InjectedFault {
  int member = -1;
  int agree = 0;
  std::string point;
  int count = 1;
  bool out_of_memory = false;
};

// Parses SWEEP_FAULT_INJECT's text ("" = none). Throws UsageError on another form.
InjectedFault parse_injected_fault(const std::string& text);

// How a group's waits end when a member does not come, with GroupBroken: after 10 x
// `floor_seconds` before a trial's first step (loading data, building the model), then after
// max(`floor_seconds`, 20 x the trial's slowest step), shortened by a stop signal to max(10 s,
// 3 x that step). `signals` may be null.
struct GroupDeadline {
  double floor_seconds = 120;  // SWEEP_GROUP_TIMEOUT
  const StopSignals* signals = nullptr;
};

// Parses SWEEP_GROUP_TIMEOUT's text ("" = the default, 120): seconds > 0. Throws UsageError.
double parse_group_timeout(const std::string& text);

// Seconds a group's wait may last (pure): 10 x `floor_seconds` while `slowest_step` is 0 (a
// trial before its first step is done); then max(`floor_seconds`, 20 x `slowest_step`), and
// once `stopping` (a stop signal came) the smaller of that and max(10, 3 x `slowest_step`).
double group_wait_limit(double floor_seconds, double slowest_step, bool stopping);

// How a group's wait pauses between two polls of its sum (pure): 0 (yield the core, no sleep)
// while it has `waited` less than 50 ms, then a sleep of 20 us doubled at each of the `sleeps`
// it already took, at most 1000 us. A sum moves on only while its members poll it.
int group_poll_sleep_us(double waited, int sleeps);

class GroupComm : public worker::TrialGroup {
 public:
  // Collective over all ranks: each rank of a group of `layout` gets its group's communicator,
  // the others (rank 0, idle workers) nullptr. Throws MpiError.
  static std::unique_ptr<GroupComm> split(const MpiSession& mpi, const GroupLayout& layout,
                                          const GroupDeadline& deadline = {},
                                          const InjectedFault& fault = {});
  ~GroupComm() override;

  int rank() const override { return rank_; }
  int size() const override { return static_cast<int>(world_ranks_.size()); }
  void sum(double* data, std::size_t n) override;
  std::unique_ptr<PendingSum> start_sum(float* data, std::size_t n) override;
  std::unique_ptr<PendingSum> start_sum_doubles(double* data, std::size_t n) override;
  void progress() override;
  // The message of the lowest failing member, prefixed with its world rank.
  std::string agree(const std::string& failure) override;
  void step_seconds(double seconds) override;
  int node_rank() const override;
  int node_size() const override;
  std::string node_broadcast(const std::string& text) override;
  bool node_all(bool ok) override;
  // An MPI-3 shared-memory window over the members of this node (MPI_Win_allocate_shared),
  // freed with the group.
  std::uint8_t* node_memory(std::size_t bytes,
                            const std::function<void(std::uint8_t*)>& fill) override;
  // The free space of the directory where Open MPI backs shared windows (its MCA parameter
  // osc_sm_backing_directory, /dev/shm by default): a window larger than that makes Open MPI
  // warn and then hang in MPI_Win_allocate_shared (a container's small /dev/shm).
  Room node_memory_room() const override;
  worker::Fault inject_fault(const std::string& point) override;
  // Where a wait past its deadline goes: `report` is called with the message (it tells rank 0
  // and waits for the job's end, never returning), so that the rank does not unwind past sums
  // that a late member could still complete into freed buffers, nor wait out another deadline
  // in their destructors or in the next agreement. Without one (or if it returns), the wait
  // throws worker::GroupBroken.
  void on_broken(std::function<void(const std::string&)> report);
  // The world ranks of the members, leader first.
  const std::vector<int>& world_ranks() const { return world_ranks_; }

  struct Impl;  // the communicator and its waits (group_comm.cpp)

  // The leader: sends `tag` with `body` to every other member. Throws MpiError.
  void tell_members(Tag tag, const Bytes& body);
  // A member: waits, polling as `policy` says, for the leader's next message. Throws MpiError.
  Message wait_leader(const WaitPolicy& policy);

 private:
  GroupComm(std::unique_ptr<Impl> impl, int rank, std::vector<int> world_ranks,
            InjectedFault fault);
  std::unique_ptr<Impl> impl_;
  int rank_;
  std::vector<int> world_ranks_;
  InjectedFault fault_;
  int agreements_ = 0;
  std::map<std::string, int> reached_;  // fault points reached so far
};

}  // namespace sweep
