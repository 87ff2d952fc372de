//! A small cache bounded by size and age: the service keeps one entry per graded role (assumed-role credentials,
//! the account's pacer), and roles come and go by the thousand. An entry lives at most `max_age` after it was
//! made and is dropped once `max_idle` passes without use; at `capacity` the least recently used entry goes.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Entry<V> {
    value: V,
    made: Instant,
    used: Instant,
}

pub struct BoundedCache<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
    capacity: usize,
    max_age: Duration,
    max_idle: Duration,
}

impl<K: Eq + Hash + Clone, V: Clone> BoundedCache<K, V> {
    pub fn new(capacity: usize, max_age: Duration, max_idle: Duration) -> Self {
        Self { entries: Mutex::new(HashMap::new()), capacity: capacity.max(1), max_age, max_idle }
    }

    /// The live entry for `key`, or the one `make` makes (stored, evicting stale and least recently used ones).
    pub fn get_or_insert_with(&self, key: &K, make: impl FnOnce() -> V) -> V {
        let now = Instant::now();
        let mut entries = self.entries.lock().expect("cache lock");
        if let Some(entry) = entries.get_mut(key)
            && self.live(entry, now)
        {
            entry.used = now;
            return entry.value.clone();
        }
        let value = make();
        self.insert_locked(&mut entries, key.clone(), value.clone(), now);
        value
    }

    /// The live entry for `key`, if any.
    pub fn get(&self, key: &K) -> Option<V> {
        let now = Instant::now();
        let mut entries = self.entries.lock().expect("cache lock");
        let entry = entries.get_mut(key).filter(|e| now.duration_since(e.made) < self.max_age)?;
        if now.duration_since(entry.used) >= self.max_idle {
            return None;
        }
        entry.used = now;
        Some(entry.value.clone())
    }

    pub fn insert(&self, key: K, value: V) {
        let mut entries = self.entries.lock().expect("cache lock");
        self.insert_locked(&mut entries, key, value, Instant::now());
    }

    /// Entries held now (stale ones included until the next insert sweeps them).
    pub fn size(&self) -> usize {
        self.entries.lock().expect("cache lock").len()
    }

    fn live(&self, entry: &Entry<V>, now: Instant) -> bool {
        now.duration_since(entry.made) < self.max_age && now.duration_since(entry.used) < self.max_idle
    }

    fn insert_locked(&self, entries: &mut HashMap<K, Entry<V>>, key: K, value: V, now: Instant) {
        entries.retain(|_, e| self.live(e, now));
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            let oldest = entries.iter().min_by_key(|(_, e)| e.used).map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                entries.remove(&oldest);
            }
        }
        entries.insert(key, Entry { value, made: now, used: now });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_by_capacity_least_recently_used_first() {
        let cache = BoundedCache::new(3, Duration::from_secs(60), Duration::from_secs(60));
        for i in 0..3 {
            cache.insert(i, i);
        }
        assert_eq!(cache.get(&0), Some(0), "0 is now the most recently used");
        cache.insert(3, 3);
        assert_eq!(cache.size(), 3);
        assert_eq!(cache.get(&1), None, "the least recently used went");
        assert_eq!(cache.get(&0), Some(0));
        for i in 10..10_000 {
            cache.get_or_insert_with(&i, || i);
        }
        assert_eq!(cache.size(), 3, "thousands of keys, never more than the capacity");
    }

    #[test]
    fn entries_expire_by_age_and_idleness() {
        let cache = BoundedCache::new(10, Duration::from_millis(40), Duration::from_secs(60));
        cache.insert("a", 1);
        assert_eq!(cache.get(&"a"), Some(1));
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(cache.get(&"a"), None, "too old");
        assert_eq!(cache.get_or_insert_with(&"a", || 2), 2, "made anew");
        let idle = BoundedCache::new(10, Duration::from_secs(60), Duration::from_millis(40));
        idle.insert("b", 1);
        std::thread::sleep(Duration::from_millis(50));
        idle.insert("c", 1);
        assert_eq!(idle.size(), 1, "idle entries are dropped when another is stored");
    }
}
