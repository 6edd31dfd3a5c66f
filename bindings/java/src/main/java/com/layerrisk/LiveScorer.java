package com.layerrisk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * The scorer a long-running backend decides with, reloaded (new rules, a new day, another
 * scorer) while threads use it, without a restart. It is the C ABI's {@code LrLive}: a reload
 * builds the replacement from the current scorer (the same date and shadow or rollout, or the
 * same rules) and swaps only when it loaded, so a broken rules file never becomes live: the
 * working scorer stays and the {@link RulesException} comes back.
 *
 * <p>Take the scorer with {@link #current()} for each request and use it for the whole
 * request: a reload makes a new one and never changes or frees one in use. {@code current()}
 * takes no lock and makes no native call. A replaced scorer is not closed by the reload (a
 * thread may still be deciding with it, or about to): it is released once unreachable, and
 * {@code close()} on a scorer from {@code current()} does nothing. Thread-safe; reloads are
 * applied one at a time.
 *
 * <pre>{@code
 * LiveScorer live = LiveScorer.of(Scorer.builder().rules(path).asOf(today).build());
 * Record r = live.current().assess(body);        // per request
 * live.reloadRules(path);                        // on SIGHUP: a broken file throws, the old rules stay
 * live.setAsOf(LocalDate.now(zone));             // when the day changes
 * }</pre>
 */
public final class LiveScorer implements AutoCloseable {

    private final Native.Owned owned;
    private final MemorySegment handle;
    private final AtomicReference<Scorer> current = new AtomicReference<>();
    private boolean closed;

    private LiveScorer(MemorySegment raw) {
        this.owned = new Native.Owned(this, raw, Native.LIVE_FREE);
        this.handle = owned.handle;
        refresh();
    }

    /**
     * A live handle whose first scorer is {@code scorer} (which stays the caller's: close it
     * when you like; the handle holds its own reference).
     *
     * @throws IllegalStateException when {@code scorer} is closed
     */
    public static LiveScorer of(Scorer scorer) {
        Objects.requireNonNull(scorer, "scorer");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            MemorySegment err = a.allocate(ADDRESS);
            MemorySegment h = scorer.handle();
            int st;
            try {
                st = (int) Native.LIVE_NEW.invokeExact(h, out, err);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("layer-risk: the scorer is closed", e);
            } catch (Throwable t) {
                throw new IllegalStateException("layer-risk: native call failed", t);
            }
            Scorer.check(st, err);
            return new LiveScorer(out.get(ADDRESS, 0));
        }
    }

    /** Cache the library's current scorer (with the lock held, after a change). */
    private void refresh() {
        MemorySegment raw = Native.call(() -> (MemorySegment) Native.LIVE_CURRENT.invokeExact(handle));
        current.set(new Scorer(raw, true));
    }

    /** The scorer now live: decide with it for one request. */
    public Scorer current() {
        return current.get();
    }

    private interface Change {
        int run(MemorySegment live, Arena a, MemorySegment err) throws Throwable;
    }

    private synchronized void change(Change c) {
        if (closed) {
            throw new IllegalStateException("layer-risk: the live scorer is closed");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(ADDRESS);
            int st = Native.call(() -> c.run(handle, a, err));
            Scorer.check(st, err);
        }
        refresh();
    }

    /**
     * Replace the live rules with the rules file at {@code path} (read as the CLI reads
     * {@code --rules}), keeping the date and the shadow or rollout.
     *
     * @throws RulesException when the file cannot be read or used; nothing changes then
     */
    public void reloadRules(Path path) {
        String p = Objects.requireNonNull(path, "path").toString();
        if (p.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("path: contains a NUL character");
        }
        change((h, a, err) -> (int) Native.LIVE_RELOAD_RULES_FILE.invokeExact(h, Native.cString(a, p), err));
    }

    /**
     * {@link #reloadRules(Path)} with a rules file's text, named {@code name} in errors.
     *
     * @throws RulesException when the text cannot be used; nothing changes then
     */
    public void reloadRulesJson(String text, String name) {
        byte[] json = Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8);
        if (Objects.requireNonNull(name, "name").indexOf('\0') >= 0) {
            throw new IllegalArgumentException("name: contains a NUL character");
        }
        change((h, a, err) -> {
            MemorySegment t = a.allocate(Math.max(1, json.length));
            MemorySegment.copy(json, 0, t, ValueLayout.JAVA_BYTE, 0, json.length);
            return (int) Native.LIVE_RELOAD_RULES.invokeExact(h, t, (long) json.length, Native.cString(a, name), err);
        });
    }

    /**
     * Move the live scorer to another evaluation day ({@code YYYY-MM-DD}), keeping its rules and
     * challenger: what a backend does when its day changes.
     *
     * @throws IllegalArgumentException for a date that is not {@code YYYY-MM-DD}; nothing changes then
     */
    public void setAsOf(String date) {
        if (Objects.requireNonNull(date, "date").indexOf('\0') >= 0) {
            throw new IllegalArgumentException("as_of: contains a NUL character");
        }
        change((h, a, err) -> (int) Native.LIVE_SET_AS_OF.invokeExact(h, Native.cString(a, date), err));
    }

    /** {@link #setAsOf(String)} with a LocalDate. */
    public void setAsOf(LocalDate date) {
        setAsOf(Objects.requireNonNull(date, "date").toString());
    }

    /**
     * Make {@code scorer} the live one (a scorer built from new options: a new shadow, a
     * promoted challenger). It stays the caller's; the handle holds its own reference.
     */
    public void replace(Scorer scorer) {
        MemorySegment s = Objects.requireNonNull(scorer, "scorer").handle();
        change((h, a, err) -> (int) Native.LIVE_REPLACE.invokeExact(h, s, err));
    }

    /**
     * Free the live handle. Scorers taken from {@link #current()} stay usable, and {@code
     * current()} keeps returning the last one; reloads then throw {@link IllegalStateException}.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        owned.close();
        closed = true;
    }

    @Override
    public String toString() {
        return "LiveScorer[" + current.get() + "]";
    }
}
