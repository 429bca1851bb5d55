// The only MPI code in the project: one RAII owner of MPI_Init/MPI_Finalize, checked calls,
// and waits that poll with short sleeps so that an idle rank costs almost no CPU (Open MPI's
// blocking calls spin at 100%).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sweep/mpi/layout.h"
#include "sweep/mpi/protocol.h"

namespace sweep {

// Owns MPI for the life of the process. Construct once in main.
class MpiSession {
 public:
  // Calls MPI_Init. Throws MpiError when it fails.
  MpiSession(int* argc, char*** argv);
  // Calls MPI_Finalize (never throws).
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // This process's host name (MPI_Get_processor_name).
  std::string host() const;
  // Ends every rank of the job with `code` (MPI_Abort); for errors some ranks cannot see.
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0, size_ = 1;
};

// Throws MpiError("what: MPI error text") when `rc` is not MPI_SUCCESS.
void mpi_check(int rc, const char* what);

// Facts about this rank's node for the thread layout: cores as the union of the CPU masks
// of the job's ranks on the node (MPI_Comm_split_type), ranks per node, whether world rank 0
// is here, and the node's id. Collective over MPI_COMM_WORLD. Throws MpiError.
NodeFacts node_facts(const MpiSession& mpi);

// The node id (NodeFacts::node) of every world rank, on every rank. Collective. Throws
// MpiError.
std::vector<int> nodes_of_all_ranks(const MpiSession& mpi, const NodeFacts& mine);

struct Message {
  int source = 0;
  Tag tag = Tag::kReady;
  Bytes body;
};

// Sends that never wait for their receiver. A blocking send can wait until the receiver next
// polls (Open MPI's shared-memory transport hands a fragment back only then), and a worker
// asleep between polls would hold rank 0 up with every other worker. The outbox starts each
// send (MPI_Isend, keeping its buffer) and completes it later; MPI keeps the order of the
// messages to each rank.
class Outbox {
 public:
  Outbox();
  // Releases the sends still pending without waiting for them (never throws); call finish()
  // first on every normal path.
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Starts sending `body` with `tag` to `dest`. Throws MpiError.
  void send(int dest, Tag tag, Bytes body);
  // Frees the sends that have completed. Throws MpiError.
  void progress();
  // Waits, polling, until every send has completed. Throws MpiError.
  void finish();
  std::size_t pending() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sends `body` with `tag` to `dest` (blocking standard send). Throws MpiError.
void send_message(int dest, Tag tag, const Bytes& body);

// How a rank waits for a message: it polls MPI_Improbe, spinning for `spin_us`, then sleeping
// between polls, the sleeps growing from 50 us to `ceiling_us`.
struct WaitPolicy {
  int spin_us = 0;         // polls without sleeping for this long first
  bool yield = false;      // spinning yields the core between polls (oversubscribed nodes)
  int ceiling_us = 10000;  // bounds how late a message is seen and how often a waiting rank wakes
  // For a wait whose answer is due soon (a worker's next job): sleeps stay under
  // soon_ceiling_us for the first soon_us of the wait (0: no such phase).
  int soon_us = 0;
  int soon_ceiling_us = 1000;
};

// The policy for ranks of a node with `local_ranks` ranks on `cores` cores: spin 200 us
// when every rank has a core of its own, never when they share.
WaitPolicy wait_policy_for(int local_ranks, int cores);

// Waits for the next message from `source` (or any rank when source < 0), polling as `policy`
// says, and receives it. Throws MpiError.
Message wait_message(int source, const WaitPolicy& policy = {});

// As wait_message, but gives up and returns nullopt as soon as `give_up` (asked between
// polls) returns true. Throws MpiError.
std::optional<Message> wait_message_or(int source, const std::function<bool()>& give_up,
                                       const WaitPolicy& policy = {});

// Receives the next message from any rank if one is pending, without waiting; nullopt when
// none is. Throws MpiError.
std::optional<Message> poll_message();

// Receives a pending message with `tag` from `source` without waiting; returns whether there
// was one (its body is dropped). Throws MpiError.
bool take_message(int source, Tag tag);

// Barrier over MPI_COMM_WORLD that sleeps while waiting. Throws MpiError.
void polled_barrier();

// Broadcasts `value` from rank 0 to all ranks, sleeping while waiting. Throws MpiError.
int polled_broadcast(int value);

}  // namespace sweep
