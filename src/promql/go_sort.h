// Go's container/heap and sort.Sort (for small inputs, insertion sort)
// over a vector with a Less function, so that topk/bottomk/sort break ties
// exactly as Prometheus does (internal).
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace vigil::promql::internal {

template <typename T, typename Less>
void GoHeapUp(std::vector<T>& h, size_t j, Less less) {
  while (j > 0) {
    size_t i = (j - 1) / 2;
    if (!less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    j = i;
  }
}

template <typename T, typename Less>
void GoHeapDown(std::vector<T>& h, size_t i, size_t n, Less less) {
  for (;;) {
    size_t j1 = 2 * i + 1;
    if (j1 >= n) break;
    size_t j = j1;
    if (j1 + 1 < n && less(h[j1 + 1], h[j1])) j = j1 + 1;
    if (!less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    i = j;
  }
}

template <typename T, typename Less>
void GoHeapPush(std::vector<T>& h, T v, Less less) {
  h.push_back(std::move(v));
  GoHeapUp(h, h.size() - 1, less);
}

template <typename T, typename Less>
void GoHeapPop(std::vector<T>& h, Less less) {
  size_t n = h.size() - 1;
  std::swap(h[0], h[n]);
  GoHeapDown(h, 0, n, less);
  h.pop_back();
}

// sort.Sort: insertion sort for the small inputs Go sorts that way; a
// stable sort otherwise (ties may then differ from Go's pdqsort).
template <typename T, typename Less>
void GoSort(std::vector<T>& v, Less less) {
  if (v.size() <= 12) {
    for (size_t i = 1; i < v.size(); ++i) {
      for (size_t j = i; j > 0 && less(v[j], v[j - 1]); --j) std::swap(v[j], v[j - 1]);
    }
    return;
  }
  std::stable_sort(v.begin(), v.end(), [&](const T& a, const T& b) {
    return less(a, b) && !less(b, a);
  });
}

}  // namespace vigil::promql::internal
