/**
 * The macOS and BSD backend: kqueue through jnr-ffi, found by {@link java.util.ServiceLoader} as
 * {@link io.jmio.poll.kqueue.KqueueBackend} ({@code Poll.open()} picks it on macOS, FreeBSD, OpenBSD,
 * NetBSD and DragonFly).
 *
 * <p>Inside: {@code KqueueSelector} (registrations, waker, polling) talks to the kernel only through
 * the small {@code KqueueSystem} interface, implemented by {@code KqueueNative} over the jnr-ffi
 * binding {@code KqueueLibrary}; {@code KqueueAbi} and {@code KeventDescriptor} hold each system's
 * constants and {@code struct kevent} layout; {@code KeventChanges} translates registrations into
 * change lists; {@code KqueueEventArray} decodes events in place. On Linux nothing here loads a
 * native library.
 */
package io.jmio.poll.kqueue;
