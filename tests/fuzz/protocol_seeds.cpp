// Writes the seed corpus of protocol_fuzz: one encoded message of each kind, prefixed with the
// byte that selects its decoder. Run it when the protocol changes:
//   build-fuzz/protocol_seeds tests/fuzz/corpus/protocol_fuzz
#include <fstream>
#include <string>

#include "sweep/mpi/protocol.h"

namespace {

void write(const std::string& dir, const std::string& name, char selector, const sweep::Bytes& b) {
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out.put(selector);
  out.write(b.data(), static_cast<std::streamsize>(b.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string dir = argv[1];
  sweep::TrialSpec spec;
  spec.trial_id = 0x0123456789abcdefULL;
  spec.params = {{"model", "cnn"}, {"filters", "16"}, {"learning_rate", "0.001"}};
  sweep::Job job;
  job.spec = spec;
  job.rung = 1;
  job.from_epoch = 2;
  job.to_epoch = 4;
  job.state = "a.state";
  job.keep_state = true;
  job.checkpoint_to = "c.pt";
  job.await_verdict = true;
  write(dir, "job", 0, sweep::encode_job(job));
  write(dir, "spec", 1, sweep::encode_spec(spec));
  sweep::TrialResult r;
  r.trial_id = spec.trial_id;
  r.status = sweep::Status::kOk;
  r.message = "fine";
  r.epochs = {{1, 0.5, 0.8, 0.6, 0.75, 1.5}, {2, 0.4, 0.85, 0.55, 0.8, 1.4}};
  r.val_acc = 0.8;
  r.test_acc = 0.79;
  r.num_classes = 2;
  r.confusion = {5, 1, 2, 7};
  r.eval_split = "test";
  r.mistakes = {{3, 1, 0, 0.9}};
  r.robustness = {{"brightness", 0.5, 0.7, 0.65}, {"noise", 0.1, 0.72, 0.7}};
  r.robust_acc = 0.71;
  r.activations = {{"features.relu1", 16, 0.125}};
  r.calibration = {{13, 4, 0.9, 0.75}, {14, 10, 0.97, 0.9}};
  r.host = "node1";
  r.device = "cpu";
  write(dir, "result", 2, sweep::encode_result(r));
  write(dir, "range", 3, sweep::encode_range({8, 16}));
  sweep::PreparedImage ok;
  ok.index = 3;
  ok.hash = 42;
  ok.planes = std::vector<std::uint8_t>(12, 7);
  sweep::PreparedImage bad;
  bad.index = 4;
  bad.error = "corrupt JPEG";
  write(dir, "prepared", 4, sweep::encode_prepared({ok, bad}));
  write(dir, "epoch", 5, sweep::encode_epoch({spec.trial_id, r.epochs[1]}));
  write(dir, "verdict", 6, sweep::encode_text("stopped at epoch 2 by the median rule"));
  return 0;
}
