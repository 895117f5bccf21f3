#include "query/vector.h"

#include "common/status.h"

namespace strata::query {

size_t Vector::size() const {
  switch (type) {
    case Type::kFloat64:
      return f64.size();
    case Type::kString:
      return str.size();
    case Type::kInterval:
      return iv.size();
    case Type::kNull:
      return nulls.size();
    default:
      return i64.size();
  }
}

void Vector::Resize(size_t n) {
  switch (type) {
    case Type::kFloat64:
      f64.resize(n);
      break;
    case Type::kString:
      str.resize(n);
      if (!codes.empty()) codes.resize(n);
      break;
    case Type::kInterval:
      iv.resize(n);
      break;
    case Type::kNull:
      nulls.resize(n, 1);
      return;
    default:
      i64.resize(n);
      break;
  }
  if (!nulls.empty()) nulls.resize(n, 0);
}

void Vector::Clear() {
  i64.clear();
  f64.clear();
  str.clear();
  iv.clear();
  nulls.clear();
  codes.clear();
  code_source = nullptr;
  heaps.clear();
}

void Vector::SetNull(size_t row) {
  if (nulls.empty()) nulls.assign(size(), 0);
  nulls[row] = 1;
}

StringHeap* Vector::NewHeap() {
  auto heap = std::make_shared<StringHeap>();
  StringHeap* raw = heap.get();
  heaps.push_back(std::move(heap));
  return raw;
}

Value Vector::GetValue(size_t row) const {
  if (type == Type::kNull || IsNull(row)) return Value::Null(type);
  switch (type) {
    case Type::kBool:
      return Value::Bool(i64[row] != 0);
    case Type::kInt64:
      return Value::Int(i64[row]);
    case Type::kTimestamp:
      return Value::Timestamp(i64[row]);
    case Type::kFloat64:
      return Value::Float(f64[row]);
    case Type::kString:
      return Value::String(std::string(str[row]));
    case Type::kInterval:
      return Value::IntervalOf(iv[row]);
    case Type::kNull:
      break;
  }
  return Value::Null(type);
}

void Vector::Append(const Value& v) {
  STRATA_DCHECK(v.null || v.type == type, "Vector::Append type mismatch");
  size_t row = size();
  if (type == Type::kNull) {
    nulls.push_back(1);
    return;
  }
  codes.clear();
  code_source = nullptr;
  Resize(row + 1);
  if (v.null) {
    SetNull(row);
    return;
  }
  switch (type) {
    case Type::kFloat64:
      f64[row] = v.f;
      break;
    case Type::kString: {
      // Append to the last heap only when no other vector shares it; else start a new one.
      StringHeap* heap = nullptr;
      if (!heaps.empty() && heaps.back().use_count() == 1) {
        heap = const_cast<StringHeap*>(heaps.back().get());
      } else {
        heap = NewHeap();
      }
      str[row] = heap->Add(v.s);
      break;
    }
    case Type::kInterval:
      iv[row] = v.iv;
      break;
    default:
      i64[row] = v.i;
      break;
  }
}

void Vector::AppendSelected(const Vector& src, const uint32_t* sel, size_t n) {
  size_t base = size();
  bool keep_codes =
      !src.codes.empty() && (base == 0 || (code_source == src.code_source && codes.size() == base));
  if (base == 0) type = src.type;
  switch (type) {
    case Type::kFloat64:
      for (size_t k = 0; k < n; ++k) f64.push_back(src.f64[sel[k]]);
      break;
    case Type::kString:
      for (size_t k = 0; k < n; ++k) str.push_back(src.str[sel[k]]);
      if (keep_codes) {
        for (size_t k = 0; k < n; ++k) codes.push_back(src.codes[sel[k]]);
        code_source = src.code_source;
      } else {
        codes.clear();
        code_source = nullptr;
      }
      for (const auto& h : src.heaps) heaps.push_back(h);
      break;
    case Type::kInterval:
      for (size_t k = 0; k < n; ++k) iv.push_back(src.iv[sel[k]]);
      break;
    case Type::kNull:
      nulls.insert(nulls.end(), n, 1);
      return;
    default:
      for (size_t k = 0; k < n; ++k) i64.push_back(src.i64[sel[k]]);
      break;
  }
  if (src.has_nulls()) {
    if (nulls.empty()) nulls.assign(base, 0);
    for (size_t k = 0; k < n; ++k) nulls.push_back(src.nulls[sel[k]]);
  } else if (!nulls.empty()) {
    nulls.insert(nulls.end(), n, 0);
  }
}

void Vector::AppendAll(const Vector& src) {
  size_t n = src.size();
  std::vector<uint32_t> sel(n);
  for (size_t k = 0; k < n; ++k) sel[k] = static_cast<uint32_t>(k);
  AppendSelected(src, sel.data(), n);
}

Vector Vector::Constant(const Value& v, size_t n) {
  Vector out(v.type);
  if (v.null) {
    out.Resize(n);
    if (v.type != Type::kNull) out.nulls.assign(n, 1);
    return out;
  }
  switch (v.type) {
    case Type::kFloat64:
      out.f64.assign(n, v.f);
      break;
    case Type::kString: {
      std::string_view s = out.NewHeap()->Add(v.s);
      out.str.assign(n, s);
      break;
    }
    case Type::kInterval:
      out.iv.assign(n, v.iv);
      break;
    case Type::kNull:
      break;
    default:
      out.i64.assign(n, v.i);
      break;
  }
  return out;
}

size_t Vector::MemoryBytes() const {
  size_t bytes = i64.capacity() * 8 + f64.capacity() * 8 + str.capacity() * 16 +
                 iv.capacity() * sizeof(Interval) + nulls.capacity() + codes.capacity() * 4;
  for (const auto& h : heaps) bytes += h->bytes();
  return bytes;
}

size_t Chunk::MemoryBytes() const {
  size_t bytes = 0;
  for (const Vector& v : columns) bytes += v.MemoryBytes();
  return bytes;
}

void Chunk::Select(const std::vector<uint32_t>& sel) {
  for (Vector& v : columns) {
    Vector out(v.type);
    out.AppendSelected(v, sel.data(), sel.size());
    v = std::move(out);
  }
  rows = sel.size();
}

}  // namespace strata::query
