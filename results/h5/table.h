// An appendable HDF5 table: a 1-D chunked dataset of a compound type with unlimited size,
// described by a list of columns and filled from/into packed row buffers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "results/h5/h5.h"

namespace sweep::results {

// kText: a text kept once in a table of distinct texts (results/store/texts.h), the row holds
// its number there as a 4-byte unsigned integer (0: the empty text, i: the table's row i - 1).
enum class ColType { kU64, kI64, kI32, kF64, kStr, kText };

struct Column {
  std::string name;
  ColType type = ColType::kF64;
  std::size_t str_len = 0;  // for kStr: fixed length in bytes, null-padded
  std::size_t offset = 0;   // set by RowLayout
};

// The bytes column `c` takes in a row.
std::size_t column_bytes(const Column& c);

// The distinct texts that kText columns refer to (text i + 1 is element i).
using Texts = std::shared_ptr<const std::vector<std::string>>;

// Packed layout of one row; maps columns to offsets and to an HDF5 compound type.
class RowLayout {
 public:
  explicit RowLayout(std::vector<Column> cols);
  // Columns at the offsets they carry, in rows of `row_size` bytes (a file's own layout).
  RowLayout(std::vector<Column> cols, std::size_t row_size);
  std::size_t row_size() const { return size_; }
  const std::vector<Column>& columns() const { return cols_; }
  // Index of column `name`, or -1.
  int index_of(const std::string& name) const;
  // The compound type of these columns. Throws StoreError.
  Handle h5_type() const;
  // Reads kText columns through `texts` from now on (without, they read as "").
  void bind_texts(Texts texts) { texts_ = std::move(texts); }

  // Field accessors on a row buffer of row_size() bytes. set_* silently truncate strings.
  void set_u64(char* row, int col, std::uint64_t v) const;
  void set_i64(char* row, int col, std::int64_t v) const;
  void set_f64(char* row, int col, double v) const;
  void set_str(char* row, int col, const std::string& v) const;
  // Stores text number `ref` in kText column `col`.
  void set_text_ref(char* row, int col, std::uint32_t ref) const;
  // Reads any column as text (numbers canonically; a kText column's text, "" for a number
  // that the bound texts lack), or as a number.
  std::string get_text(const char* row, int col) const;
  double get_f64(const char* row, int col) const;
  std::int64_t get_i64(const char* row, int col) const;
  std::uint64_t get_u64(const char* row, int col) const;

 private:
  std::vector<Column> cols_;
  std::size_t size_ = 0;
  Texts texts_;
};

// Creates dataset `name` in `file` for rows of `layout`, empty, chunked by `chunk_rows`.
// Throws StoreError.
void create_table(hid_t file, const std::string& name, const RowLayout& layout,
                  std::size_t chunk_rows);

// Appends `count` packed rows to dataset `name` and flushes that dataset (its data, then its
// metadata) to the file, so that rows appended later to other tables reach the disk after
// these. Throws StoreError.
void append_rows(hid_t file, const std::string& name, const RowLayout& layout, const char* rows,
                 std::size_t count);

// Appends to one table of an open file, keeping the dataset and its row type open between
// appends (opening them costs more than writing a few rows). Not copyable; closes its handles
// in the destructor.
class TableAppender {
 public:
  // Opens dataset `name` of `file` for rows of `layout`. Throws StoreError.
  TableAppender(hid_t file, std::string name, const RowLayout& layout);
  // As append_rows: writes `count` packed rows at the end and flushes the dataset. Throws
  // StoreError.
  void append(const char* rows, std::size_t count);
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  Handle ds_, type_;
  hsize_t rows_ = 0;
};

// Reads all rows of dataset `name`, converting by column name: columns of `layout` the file
// lacks are zero/empty, file columns `layout` lacks are ignored. Returns the packed rows.
// Throws StoreError when the dataset is missing or unreadable.
std::vector<char> read_rows(hid_t file, const std::string& name, const RowLayout& layout,
                            std::size_t* count);

// As read_rows, rows first .. first + count - 1 only (clamped to the rows there are); `*got` is
// how many were read.
std::vector<char> read_row_range(hid_t file, const std::string& name, const RowLayout& layout,
                                 std::size_t first, std::size_t count, std::size_t* got);

// The rows of dataset `name` as the file stores them, when they can be used without
// conversion: every column a little-endian integer (4 or 8 bytes) or double, or a fixed-length
// string, on a little-endian machine; nullopt otherwise. A 4-byte unsigned column is a kText
// column (bind its texts before reading it as text). Throws StoreError when the dataset is
// missing or unreadable.
std::optional<RowLayout> native_layout(hid_t file, const std::string& name);

// Reads rows first .. first + count - 1 of dataset `name` (clamped; `*got` is how many) in the
// layout native_layout returned, without conversion, into `rows` (resized; reusing it across
// calls saves the kernel zeroing fresh pages). Throws StoreError.
void read_native_row_range(hid_t file, const std::string& name, const RowLayout& native,
                           std::size_t first, std::size_t count, std::vector<char>& rows,
                           std::size_t* got);

// Number of rows in dataset `name`. Throws StoreError.
std::size_t row_count(hid_t file, const std::string& name);

// True when the file has a dataset `name` (files of older versions lack newer tables).
bool has_table(hid_t file, const std::string& name);

// True when dataset `name` has a column `column`. Throws StoreError.
bool has_column(hid_t file, const std::string& name, const std::string& column);

// Shrinks dataset `name` to its first `count` rows (no-op when it has no more). Not allowed
// while the file is in SWMR writing mode. Throws StoreError.
void truncate_rows(hid_t file, const std::string& name, std::size_t count);

}  // namespace sweep::results
