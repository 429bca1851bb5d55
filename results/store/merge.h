// `sweep merge`: several results files (shards, or runs of one grid) into one.
#pragma once

#include <string>
#include <vector>

namespace sweep::results {

struct MergeReport {
  std::size_t rows_read = 0;             // trial rows in all inputs
  std::size_t written = 0;               // distinct trials in the output
  std::size_t identical_duplicates = 0;  // same trial with the same outcome: kept once, silently
  std::vector<std::string> conflicts;    // same trial, different outcomes: which was kept and why
  std::vector<std::string> warnings;     // e.g. inputs made from different grid files
};

// Writes every distinct trial of `inputs` (with its epochs, confusion matrix and mistakes) to
// the new file `out`. A trial stored in several inputs is written once: when the copies differ
// (status, epochs run or a final metric), the first finished one (ok, then pruned, diverged,
// failed) is kept and the conflict reported. Trials are written input by input, each input's in
// the order of its kept rows. `out` gets the first input's grid attributes, an empty `shard`,
// and `merged_from`: one line "FILE<TAB>SHARD<TAB>TRIALS" per input. Every input's trials
// table is read before `out` is created; then the kept rows are read again, whole, a batch at
// a time: memory grows with the number of distinct trials (about 100 bytes each), not with
// the files' details.
// Throws StoreFormatError for an input that is not a results file, StoreError when `out`
// exists or on I/O failure.
MergeReport merge_files(const std::string& out, const std::vector<std::string>& inputs,
                        const std::string& command_line, const std::string& program_version);

}  // namespace sweep::results
