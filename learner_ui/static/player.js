/* The honest video client of docs/video-protocol.md, for <div data-player> on a lesson page.

   1. When playback starts, report fromSecond = toSecond = currentTime ("playing from
      here"): it starts the server's watch-time clock.
   2. While playing, every REPORT_EVERY seconds, and on pause, seek and end, report the
      span played since the last report: from the last answer's acceptedToSecond to
      currentTime. A seek closes the span at the last position seen before it and opens
      a new one at the new position: skipped seconds are never reported.
   3. Refused seconds (refusedSeconds > 0, or IMPLAUSIBLE_PROGRESS) are sent again after
      retryAfterSeconds. Reports go one at a time; a retry or a duplicate is harmless.
   4. Playback resumes at the first unwatched second (data-resume), and when the lesson
      completes the lesson (panel and list) is fetched again (htmx), so the next step or the
      certificate shows without a reload. */
(function () {
  "use strict";

  var REPORT_EVERY = 5000; // ms; the protocol allows 1 to 30 s

  function setup(root) {
    if (root.dataset.ready) { return; }
    root.dataset.ready = "1";
    var video = root.querySelector("video");
    var status = root.querySelector(".player-status");
    var url = root.dataset.reportUrl;
    var token = root.dataset.csrf;
    var resume = parseFloat(root.dataset.resume || "0") || 0;
    var spanStart = null; // start of the open span (null: not playing)
    var lastTime = 0; // the last position seen while not seeking
    var chain = Promise.resolve();
    var inFlight = 0;
    var holdUntil = 0;
    var finished = root.dataset.completed === "1";
    var timer = null;

    function say(text) { if (status) { status.textContent = text; } }

    function post(from, to) {
      var body = new URLSearchParams();
      body.set("from_second", from.toFixed(3));
      body.set("to_second", to.toFixed(3));
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": token, "Content-Type": "application/x-www-form-urlencoded" },
        body: body
      }).then(function (response) {
        return response.json().then(function (data) { data.httpStatus = response.status; return data; },
          function () { return { httpStatus: response.status }; });
      });
    }

    function later(from, to, seconds) {
      window.setTimeout(function () { report(from, to, true); }, Math.max(0.2, seconds) * 1000);
    }

    function handle(answer, from, to, closed) {
      if (answer.httpStatus === 422 && answer.code === "IMPLAUSIBLE_PROGRESS") {
        var wait = answer.retryAfterSeconds || 1;
        holdUntil = Date.now() + wait * 1000;
        if (closed) { later(answer.acceptedToSecond, to, wait); }
        return;
      }
      if (answer.httpStatus !== 200) {
        say(answer.message || "Your progress could not be saved. Reload the page to try again.");
        return;
      }
      if (spanStart !== null && spanStart === from && answer.acceptedToSecond !== undefined) {
        spanStart = answer.acceptedToSecond; // the next report of the open span starts here
      }
      if (closed && answer.refusedSeconds > 0) {
        later(answer.acceptedToSecond, to, answer.retryAfterSeconds);
      }
      if (answer.lessonCompleted && !finished) {
        finished = true;
        stopTimer();
        say(answer.courseCompleted ? "Video complete. You have finished the course!" : "Video complete.");
        refresh();
      }
    }

    function report(from, to, closed) {
      if (finished || from === null || to < from) { return; }
      inFlight += 1;
      chain = chain.then(function () { return post(from, to); })
        .then(function (answer) { handle(answer, from, to, closed); },
          function () { if (closed) { later(from, to, 5); } })
        .then(function () { inFlight -= 1; });
    }

    function refresh() {
      var target = document.getElementById("lesson");
      if (window.htmx && target && root.dataset.lessonUrl) {
        window.htmx.ajax("GET", root.dataset.lessonUrl, { target: "#lesson", select: "#lesson", swap: "outerHTML" });
      }
    }

    function tick() {
      if (spanStart === null || video.paused || video.seeking || inFlight > 0 || Date.now() < holdUntil) { return; }
      if (video.currentTime > spanStart) { report(spanStart, video.currentTime, false); }
    }

    function startTimer() { if (!timer) { timer = window.setInterval(tick, REPORT_EVERY); } }
    function stopTimer() { if (timer) { window.clearInterval(timer); timer = null; } }

    function close(to) {
      if (spanStart === null) { return; }
      var from = spanStart;
      spanStart = null;
      report(from, Math.max(from, to), true);
    }

    function resumeHere() {
      if (resume > 0 && resume < video.duration - 1 && video.currentTime === 0) {
        video.currentTime = resume;
        say("Resuming where you stopped.");
      }
      lastTime = video.currentTime;
    }
    // The metadata may have arrived before this script ran.
    if (video.readyState >= 1) { resumeHere(); } else { video.addEventListener("loadedmetadata", resumeHere); }
    video.addEventListener("timeupdate", function () {
      if (!video.seeking) { lastTime = video.currentTime; }
    });
    video.addEventListener("playing", function () {
      if (spanStart !== null) { return; }
      spanStart = video.currentTime;
      lastTime = spanStart;
      report(spanStart, spanStart, false); // step 1: "playing from here"
      startTimer();
    });
    video.addEventListener("seeking", function () { close(lastTime); });
    video.addEventListener("seeked", function () {
      lastTime = video.currentTime;
      if (!video.paused) {
        spanStart = video.currentTime;
      }
    });
    video.addEventListener("pause", function () {
      stopTimer();
      close(video.ended ? video.duration : video.currentTime);
    });
    video.addEventListener("ended", function () {
      stopTimer();
      close(video.duration);
    });
    video.addEventListener("error", function () {
      say("The video could not be loaded. Check your connection and reload the page.");
    });
  }

  function scan(element) {
    var roots = element.querySelectorAll ? element.querySelectorAll("[data-player]") : [];
    for (var i = 0; i < roots.length; i += 1) { setup(roots[i]); }
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:load", function (event) { scan(event.detail.elt); });
}());
