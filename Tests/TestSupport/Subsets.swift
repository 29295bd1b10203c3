/// Every subset of `items` with `size` elements, in order (for "any k of n" properties).
public func subsets<T>(of items: [T], size: Int) -> [[T]] {
    guard size > 0 else { return [[]] }
    guard items.count >= size else { return [] }
    if size == items.count { return [items] }
    let first = items[0]
    let rest = Array(items.dropFirst())
    return subsets(of: rest, size: size - 1).map { [first] + $0 } + subsets(of: rest, size: size)
}
