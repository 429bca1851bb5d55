#include "results/h5/table.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>

namespace sweep::results {

std::size_t column_bytes(const Column& c) {
  switch (c.type) {
    case ColType::kU64:
    case ColType::kI64:
    case ColType::kF64:
      return 8;
    case ColType::kI32:
    case ColType::kText:
      return 4;
    case ColType::kStr:
      return c.str_len;
  }
  return 0;
}

namespace {

Handle member_type(const Column& c) {
  switch (c.type) {
    case ColType::kU64:
      return Handle(H5Tcopy(H5T_NATIVE_UINT64), H5Tclose, "copy u64 type");
    case ColType::kI64:
      return Handle(H5Tcopy(H5T_NATIVE_INT64), H5Tclose, "copy i64 type");
    case ColType::kI32:
      return Handle(H5Tcopy(H5T_NATIVE_INT32), H5Tclose, "copy i32 type");
    case ColType::kText:
      return Handle(H5Tcopy(H5T_NATIVE_UINT32), H5Tclose, "copy text reference type");
    case ColType::kF64:
      return Handle(H5Tcopy(H5T_NATIVE_DOUBLE), H5Tclose, "copy f64 type");
    case ColType::kStr: {
      Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
      check(H5Tset_size(t.get(), c.str_len), "set string size of " + c.name);
      check(H5Tset_strpad(t.get(), H5T_STR_NULLPAD), "set string padding of " + c.name);
      return t;
    }
  }
  throw StoreError("unknown column type of " + c.name);
}

Handle open_dataset(hid_t file, const std::string& name) {
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) {
    throw StoreError("the file has no '" + name + "' table (not a sweep results file?)");
  }
  const hid_t ds = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  if (ds >= 0) return Handle(ds, H5Dclose, name);
  const std::string cause = hdf5_error_cause();
  char path[4096] = "";
  H5Fget_name(file, path, sizeof path);
  throw_hdf5_failure(std::string(path) + ": open table " + name, cause);
}

}  // namespace

bool has_table(hid_t file, const std::string& name) {
  return H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0;
}

RowLayout::RowLayout(std::vector<Column> cols) : cols_(std::move(cols)) {
  for (auto& c : cols_) {
    c.offset = size_;
    size_ += column_bytes(c);
  }
}

RowLayout::RowLayout(std::vector<Column> cols, std::size_t row_size)
    : cols_(std::move(cols)), size_(row_size) {}

int RowLayout::index_of(const std::string& name) const {
  for (std::size_t i = 0; i < cols_.size(); ++i) {
    if (cols_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Handle RowLayout::h5_type() const {
  Handle t(H5Tcreate(H5T_COMPOUND, size_), H5Tclose, "create compound type");
  for (const auto& c : cols_) {
    Handle m = member_type(c);
    check(H5Tinsert(t.get(), c.name.c_str(), c.offset, m.get()), "insert column " + c.name);
  }
  return t;
}

void RowLayout::set_u64(char* row, int col, std::uint64_t v) const {
  std::memcpy(row + cols_[col].offset, &v, 8);
}
void RowLayout::set_i64(char* row, int col, std::int64_t v) const {
  if (cols_[col].type == ColType::kI32) {
    auto x = static_cast<std::int32_t>(v);
    std::memcpy(row + cols_[col].offset, &x, 4);
  } else {
    std::memcpy(row + cols_[col].offset, &v, 8);
  }
}
void RowLayout::set_f64(char* row, int col, double v) const {
  std::memcpy(row + cols_[col].offset, &v, 8);
}
void RowLayout::set_str(char* row, int col, const std::string& v) const {
  const Column& c = cols_[col];
  std::memset(row + c.offset, 0, c.str_len);
  std::memcpy(row + c.offset, v.data(), std::min(v.size(), c.str_len));
}
void RowLayout::set_text_ref(char* row, int col, std::uint32_t ref) const {
  std::memcpy(row + cols_[col].offset, &ref, 4);
}

std::uint64_t RowLayout::get_u64(const char* row, int col) const {
  std::uint64_t v;
  std::memcpy(&v, row + cols_[col].offset, 8);
  return v;
}
std::int64_t RowLayout::get_i64(const char* row, int col) const {
  if (cols_[col].type == ColType::kI32) {
    std::int32_t x;
    std::memcpy(&x, row + cols_[col].offset, 4);
    return x;
  }
  if (cols_[col].type == ColType::kText) {  // the text's number
    std::uint32_t x;
    std::memcpy(&x, row + cols_[col].offset, 4);
    return x;
  }
  std::int64_t v;
  std::memcpy(&v, row + cols_[col].offset, 8);
  return v;
}
double RowLayout::get_f64(const char* row, int col) const {
  switch (cols_[col].type) {
    case ColType::kF64: {
      double v;
      std::memcpy(&v, row + cols_[col].offset, 8);
      return v;
    }
    case ColType::kU64:
      return static_cast<double>(get_u64(row, col));
    case ColType::kStr:
    case ColType::kText:
      return std::strtod(get_text(row, col).c_str(), nullptr);
    default:
      return static_cast<double>(get_i64(row, col));
  }
}
std::string RowLayout::get_text(const char* row, int col) const {
  const Column& c = cols_[col];
  switch (c.type) {
    case ColType::kStr: {
      const char* p = row + c.offset;
      return std::string(p, strnlen(p, c.str_len));
    }
    case ColType::kText: {
      std::uint32_t ref = 0;
      std::memcpy(&ref, row + c.offset, 4);
      if (ref == 0 || !texts_ || ref > texts_->size()) return std::string();
      return (*texts_)[ref - 1];
    }
    case ColType::kF64: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, get_f64(row, col));
      return std::string(buf, r.ptr);
    }
    case ColType::kU64:
      return std::to_string(get_u64(row, col));
    default:
      return std::to_string(get_i64(row, col));
  }
}

void create_table(hid_t file, const std::string& name, const RowLayout& layout,
                  std::size_t chunk_rows) {
  hsize_t dims[1] = {0}, maxdims[1] = {H5S_UNLIMITED}, chunk[1] = {chunk_rows};
  Handle space(H5Screate_simple(1, dims, maxdims), H5Sclose, "create dataspace for " + name);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list for " + name);
  check(H5Pset_chunk(dcpl.get(), 1, chunk), "set chunking of " + name);
  Handle type = layout.h5_type();
  Handle ds(
      H5Dcreate2(file, name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      H5Dclose, "create table " + name);
}

std::size_t row_count(hid_t file, const std::string& name) {
  Handle ds = open_dataset(file, name);
  Handle space(H5Dget_space(ds.get()), H5Sclose, "get dataspace of " + name);
  hsize_t dims[1] = {0};
  check(H5Sget_simple_extent_dims(space.get(), dims, nullptr), "get size of " + name);
  return dims[0];
}

void append_rows(hid_t file, const std::string& name, const RowLayout& layout, const char* rows,
                 std::size_t count) {
  if (count == 0) return;
  TableAppender(file, name, layout).append(rows, count);
}

TableAppender::TableAppender(hid_t file, std::string name, const RowLayout& layout)
    : name_(std::move(name)), ds_(open_dataset(file, name_)), type_(layout.h5_type()) {
  Handle space(H5Dget_space(ds_.get()), H5Sclose, "get dataspace of " + name_);
  hsize_t dims[1] = {0};
  check(H5Sget_simple_extent_dims(space.get(), dims, nullptr), "get size of " + name_);
  rows_ = dims[0];
}

void TableAppender::append(const char* rows, std::size_t count) {
  if (count == 0) return;
  hsize_t start[1] = {rows_}, n[1] = {count}, grown[1] = {rows_ + count};
  check(H5Dset_extent(ds_.get(), grown), "extend table " + name_);
  Handle fspace(H5Dget_space(ds_.get()), H5Sclose, "get dataspace of " + name_);
  check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, n, nullptr),
        "select rows of " + name_);
  Handle mspace(H5Screate_simple(1, n, nullptr), H5Sclose, "create memory space for " + name_);
  check(H5Dwrite(ds_.get(), type_.get(), mspace.get(), fspace.get(), H5P_DEFAULT, rows),
        "write rows of " + name_);
  check(H5Dflush(ds_.get()), "flush table " + name_);
  rows_ += count;
}

bool has_column(hid_t file, const std::string& name, const std::string& column) {
  Handle ds = open_dataset(file, name);
  Handle type(H5Dget_type(ds.get()), H5Tclose, "get type of " + name);
  return H5Tget_member_index(type.get(), column.c_str()) >= 0;
}

void truncate_rows(hid_t file, const std::string& name, std::size_t count) {
  if (row_count(file, name) <= count) return;
  Handle ds = open_dataset(file, name);
  hsize_t dims[1] = {count};
  check(H5Dset_extent(ds.get(), dims), "shrink table " + name);
}

std::vector<char> read_rows(hid_t file, const std::string& name, const RowLayout& layout,
                            std::size_t* count) {
  return read_row_range(file, name, layout, 0, std::numeric_limits<std::size_t>::max(), count);
}

std::vector<char> read_row_range(hid_t file, const std::string& name, const RowLayout& layout,
                                 std::size_t first, std::size_t count, std::size_t* got) {
  Handle ds = open_dataset(file, name);
  Handle ftype(H5Dget_type(ds.get()), H5Tclose, "get type of " + name);
  Handle mtype(H5Tcreate(H5T_COMPOUND, layout.row_size()), H5Tclose,
               "create read type for " + name);
  for (const auto& c : layout.columns()) {
    if (H5Tget_member_index(ftype.get(), c.name.c_str()) < 0) continue;
    Handle m = member_type(c);
    check(H5Tinsert(mtype.get(), c.name.c_str(), c.offset, m.get()), "insert column " + c.name);
  }
  const std::size_t total = row_count(file, name);
  first = std::min(first, total);
  *got = std::min(count, total - first);
  std::vector<char> rows(std::max<std::size_t>(1, *got) * layout.row_size(), 0);
  if (*got > 0 && H5Tget_nmembers(mtype.get()) > 0) {
    Handle space(H5Dget_space(ds.get()), H5Sclose, "get space of " + name);
    const hsize_t start[1] = {first}, n[1] = {*got};
    check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, n, nullptr),
          "select rows of " + name);
    Handle memory(H5Screate_simple(1, n, nullptr), H5Sclose, "memory space for " + name);
    check(H5Dread(ds.get(), mtype.get(), memory.get(), space.get(), H5P_DEFAULT, rows.data()),
          "read table " + name);
  }
  rows.resize(*got * layout.row_size());
  return rows;
}

std::optional<RowLayout> native_layout(hid_t file, const std::string& name) {
  const std::uint16_t probe = 1;
  std::uint8_t first_byte = 0;
  std::memcpy(&first_byte, &probe, 1);
  if (first_byte != 1) return std::nullopt;  // a big-endian machine: convert
  Handle ds = open_dataset(file, name);
  Handle ftype(H5Dget_type(ds.get()), H5Tclose, "get type of " + name);
  if (H5Tget_class(ftype.get()) != H5T_COMPOUND) return std::nullopt;
  const int n = H5Tget_nmembers(ftype.get());
  if (n < 0) throw StoreError("cannot read the columns of table " + name);
  std::vector<Column> cols;
  for (int i = 0; i < n; ++i) {
    char* raw_name = H5Tget_member_name(ftype.get(), static_cast<unsigned>(i));
    if (raw_name == nullptr) throw StoreError("cannot read a column name of table " + name);
    Column c;
    c.name = raw_name;
    H5free_memory(raw_name);
    c.offset = H5Tget_member_offset(ftype.get(), static_cast<unsigned>(i));
    Handle m(H5Tget_member_type(ftype.get(), static_cast<unsigned>(i)), H5Tclose,
             "get type of column " + c.name);
    const std::size_t size = H5Tget_size(m.get());
    switch (H5Tget_class(m.get())) {
      case H5T_INTEGER:
        if (H5Tget_order(m.get()) != H5T_ORDER_LE) return std::nullopt;
        if (size == 8) {
          c.type = H5Tget_sign(m.get()) == H5T_SGN_NONE ? ColType::kU64 : ColType::kI64;
        } else if (size == 4 && H5Tget_sign(m.get()) == H5T_SGN_2) {
          c.type = ColType::kI32;
        } else if (size == 4) {
          c.type = ColType::kText;
        } else {
          return std::nullopt;
        }
        break;
      case H5T_FLOAT:
        if (size != 8 || H5Tget_order(m.get()) != H5T_ORDER_LE) return std::nullopt;
        c.type = ColType::kF64;
        break;
      case H5T_STRING:
        if (H5Tis_variable_str(m.get()) != 0) return std::nullopt;
        c.type = ColType::kStr;
        c.str_len = size;
        break;
      default:
        return std::nullopt;
    }
    cols.push_back(c);
  }
  return RowLayout(std::move(cols), H5Tget_size(ftype.get()));
}

void read_native_row_range(hid_t file, const std::string& name, const RowLayout& native,
                           std::size_t first, std::size_t count, std::vector<char>& rows,
                           std::size_t* got) {
  Handle ds = open_dataset(file, name);
  Handle ftype(H5Dget_type(ds.get()), H5Tclose, "get type of " + name);
  if (H5Tget_size(ftype.get()) != native.row_size()) {
    throw StoreError("table " + name + ": its rows changed size while being read");
  }
  const std::size_t total = row_count(file, name);
  first = std::min(first, total);
  *got = std::min(count, total - first);
  rows.resize(*got * native.row_size());
  if (*got > 0) {
    Handle space(H5Dget_space(ds.get()), H5Sclose, "get space of " + name);
    const hsize_t start[1] = {first}, n[1] = {*got};
    check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, n, nullptr),
          "select rows of " + name);
    Handle memory(H5Screate_simple(1, n, nullptr), H5Sclose, "memory space for " + name);
    // The file's own type in memory: HDF5 copies the bytes as they are.
    check(H5Dread(ds.get(), ftype.get(), memory.get(), space.get(), H5P_DEFAULT, rows.data()),
          "read table " + name);
  }
}

}  // namespace sweep::results
