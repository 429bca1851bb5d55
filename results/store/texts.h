// The distinct texts of a results file (format version 2): the trials table's text columns
// that most trials share or leave empty (paths, messages, checkpoints, hosts, lists of numbers)
// hold a 4-byte number into table `texts` instead of the text itself (256 bytes each before).
// Text 0 is the empty text and is never stored; text i is row i - 1 of `texts`. A text is
// stored once per file; texts are appended, and flushed, before the trial rows that name them,
// so a trial row on disk always finds its texts, whenever the writer is killed.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "results/h5/table.h"

namespace sweep::results {

// The table's name and its one column ("text", kTextLen bytes, null-padded).
constexpr const char* kTextsTable = "texts";
constexpr std::size_t kTextLen = 256;
const RowLayout& texts_layout();

// Creates the empty table of texts in `file`. Throws StoreError.
void create_texts_table(hid_t file);

// Every text of `file`'s table, in order (empty when the file has no such table: files of
// format version 1 keep their texts in the rows). Throws StoreError.
Texts read_texts(hid_t file);

// Numbers the texts of rows being written: a text already in the file or given before keeps
// its number; a new one gets the next, and waits in memory until write_pending.
class TextInterner {
 public:
  // Starts from the texts already in `file`'s table. Throws StoreError.
  explicit TextInterner(hid_t file);
  // The number of `text` as stored (cut at kTextLen bytes or at a NUL byte, as a reader sees
  // it); 0 for the empty text.
  std::uint32_t ref(const std::string& text);
  // Appends the texts numbered since the last call to `table` (the file's texts table) and
  // flushes it. Throws StoreError; the texts stay pending then.
  void write_pending(TableAppender& table);

 private:
  std::unordered_map<std::string, std::uint32_t> refs_;
  std::uint32_t stored_ = 0;          // rows in the file's table
  std::vector<std::string> pending_;  // numbered stored_ + 1, stored_ + 2, ...
};

}  // namespace sweep::results
