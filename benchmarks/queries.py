"""The GraphQL documents the scenarios send; the baseline endpoints answer the same JSON."""

from __future__ import annotations

# B1: the learner dashboard: per enrollment its status, blockers and certificate.
_ENROLLMENT = """
    id source status progressPercent completedAt
    course { id title }
    blockers { lesson { id title } reason detail }
    certificate {
      id issuedAt courseTitle learnerName canDownload verificationCode downloadUrl
    }"""
DASHBOARD = "query Dashboard {\n  myEnrollments {" + _ENROLLMENT + "\n  }\n}"

# B1+: the same with every lesson's state (10 x 10 lesson rows: the list-heavy variant).
DASHBOARD_LESSONS = (
    "query DashboardLessons {\n  myEnrollments {"
    + _ENROLLMENT
    + """
    lessons {
      lesson { id position kind title durationSeconds }
      status coveredSeconds bestScorePercent attemptsUsed attemptsLeft completedAt
    }
  }
}"""
)

# B11: what the learner app's lesson page shows, through GraphQL: the enrollment with
# every lesson's state (the list beside the player), the open lesson's content, the
# blockers and the certificate.
LESSON_PAGE = (
    """query LessonPage($e: ID!) {
  enrollment(id: $e) {"""
    + _ENROLLMENT
    + """
    lessons {
      lesson { id position kind title durationSeconds videoUrl body }
      status coveredSeconds bestScorePercent attemptsUsed attemptsLeft completedAt
    }
  }
}"""
)

# B2: the video heartbeat.
HEARTBEAT = """mutation Heartbeat($e: ID!, $l: ID!, $from: Float!, $to: Float!) {
  recordVideoProgress(enrollmentId: $e, lessonId: $l, fromSecond: $from, toSecond: $to) {
    lessonProgress { status coveredSeconds lastSavedAt }
    enrollment { id status progressPercent }
  }
}"""

# B3: the catalogue.
CATALOG = """query Catalog($first: Int!) {
  courses(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id title description status
        lessons { id position kind title durationSeconds }
      }
    }
  }
}"""

# B6: confirming a reading or activity (the last one issues the certificate).
COMPLETE = """mutation Complete($e: ID!, $l: ID!) {
  completeLesson(enrollmentId: $e, lessonId: $l) {
    lessonProgress { status completedAt }
    enrollment { id status progressPercent certificate { id issuedAt } }
  }
}"""
