// The communicator of one trial group (ranks_per_trial > 1) as the worker's TrialGroup: sums
// over MPI (non-blocking ones for gradient buckets), the agreement on failures, and the
// messages the group's leader passes on to its members (the next job, stop).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sweep/mpi/groups.h"
#include "sweep/mpi/protocol.h"
#include "sweep/mpi/session.h"
#include "worker/trial_group.h"

namespace sweep {

// A fault to inject for tests (the environment variable SWEEP_FAULT_INJECT =
// "member=M,agree=K"): member M reports a failure at its K-th agreement.
struct InjectedFault {
  int member = -1;
  int agree = 0;
};

// Parses SWEEP_FAULT_INJECT's text ("" = none). Throws UsageError on another form.
InjectedFault parse_injected_fault(const std::string& text);

class GroupComm : public worker::TrialGroup {
 public:
  // Collective over all ranks: each rank of a group of `layout` gets its group's communicator,
  // the others (rank 0, idle workers) nullptr. Throws MpiError.
  static std::unique_ptr<GroupComm> split(const MpiSession& mpi, const GroupLayout& layout,
                                          const InjectedFault& fault = {});
  ~GroupComm() override;

  int rank() const override { return rank_; }
  int size() const override { return static_cast<int>(world_ranks_.size()); }
  void sum(double* data, std::size_t n) override;
  std::unique_ptr<PendingSum> start_sum(float* data, std::size_t n) override;
  void progress() override;
  // The message of the lowest failing member, prefixed with its world rank.
  std::string agree(const std::string& failure) override;

  // The leader: sends `tag` with `body` to every other member. Throws MpiError.
  void tell_members(Tag tag, const Bytes& body);
  // A member: waits, polling as `policy` says, for the leader's next message. Throws MpiError.
  Message wait_leader(const WaitPolicy& policy);

 private:
  struct Impl;
  GroupComm(std::unique_ptr<Impl> impl, int rank, std::vector<int> world_ranks,
            InjectedFault fault);
  std::unique_ptr<Impl> impl_;
  int rank_;
  std::vector<int> world_ranks_;
  InjectedFault fault_;
  int agreements_ = 0;
};

}  // namespace sweep
