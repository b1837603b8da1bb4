from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "employee_import" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "filename" VARCHAR(255) NOT NULL,
    "content" TEXT NOT NULL,
    "sha256" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "applied_at" TIMESTAMPTZ,
    "company_id" INT NOT NULL REFERENCES "company" ("id") ON DELETE CASCADE,
    "uploaded_by_id" INT REFERENCES "user" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_employee_im_created_673630" ON "employee_import" ("created_at");
COMMENT ON TABLE "employee_import" IS 'One uploaded file: previewed first, applied at most once (idempotent by ``applied_at``).';
        CREATE TABLE IF NOT EXISTS "employee_group" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "company_id" INT NOT NULL REFERENCES "company" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_employee_gr_company_3267c9" UNIQUE ("company_id", "name")
);
COMMENT ON TABLE "employee_group" IS 'A department of one company; every employee is in at most one group.';
        ALTER TABLE "enrollment" ADD "due_at" TIMESTAMPTZ;
        ALTER TABLE "password_reset_token" ADD "purpose" VARCHAR(16) NOT NULL DEFAULT 'reset';
        ALTER TABLE "user" ADD "deactivated_at" TIMESTAMPTZ;
        ALTER TABLE "user" ADD "group_id" INT;
        CREATE INDEX IF NOT EXISTS "idx_enrollment_company_dd383f" ON "enrollment" ("company_id");
        CREATE INDEX IF NOT EXISTS "idx_enrollment_course__04e890" ON "enrollment" ("course_id");
        ALTER TABLE "user" ADD CONSTRAINT "fk_user_employee_5e9b0dcd" FOREIGN KEY ("group_id") REFERENCES "employee_group" ("id") ON DELETE SET NULL;
        CREATE INDEX IF NOT EXISTS "idx_user_group_i_45f3b2" ON "user" ("group_id");
        CREATE INDEX IF NOT EXISTS "idx_user_company_3c9098" ON "user" ("company_id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_enrollment_course__04e890";
        DROP INDEX IF EXISTS "idx_enrollment_company_dd383f";
        DROP INDEX IF EXISTS "idx_user_company_3c9098";
        DROP INDEX IF EXISTS "idx_user_group_i_45f3b2";
        ALTER TABLE "user" DROP CONSTRAINT IF EXISTS "fk_user_employee_5e9b0dcd";
        ALTER TABLE "user" DROP COLUMN "deactivated_at";
        ALTER TABLE "user" DROP COLUMN "group_id";
        ALTER TABLE "enrollment" DROP COLUMN "due_at";
        ALTER TABLE "password_reset_token" DROP COLUMN "purpose";
        DROP TABLE IF EXISTS "employee_group";
        DROP TABLE IF EXISTS "employee_import";"""


MODELS_STATE = (
    "eJztXW1z4jgS/isqvlymipuaZCZzU+zVVZGEmWWXQJaQ2ZtdtjwCi+CNkVjLTsLdzX8/Sb"
    "bxm2xshxfj0ZcEZLVsHr24+1F367+NBdGRSV+3Hd2wO48I240W+G8DwwViHyRXm6ABl8vg"
    "Gi+w4cQU1SGvp6F1xQm1LTjlTc6gSREr0hGdWsbSNghmpdgxTV5Ipqyige+DIgcbfzlIs8"
    "k9sufIYhd+/4MVG1hHz4j6X5cP2sxAph55ZkPn9xblmr1airIutj+KivxuE21KTGeBg8rL"
    "lT0neF3bcB//HmFkQRvx5m3L4Y/Pn877sf4vcp80qOI+YkhGRzPomHbo5060oKyhaf3BSL"
    "vtjDStUQCgKcEcXPaoVPz6e/4Ifz87ffePdx/evn/3gVURj7ku+cc399YBMK6ggKc/anwT"
    "16EN3RoC4wBUaCdBvWLY2MYCyZF1JWLI6p7Ia/9DHGcf1Syg/YLDIJ0B46h73bkdta9veP"
    "MLSv8yBUztUYdfOROlq1jpyftXvJyweeLOoXUj4Nfu6EfAv4LfBv2OQJNQ+94SdwzqjX5r"
    "8GeCjk00TJ40qIeB9Iv9IlY11KtT8esTPXs5h1ZKr64lYj3LINpOXwYrxT6mzQI+aybC9/"
    "acfX3/LqNzP7eHlz+2hyfv38U6rO9dOROXvsUBJpZWaEUKi2xelyQYe5OhMhBvZWWKQ4oW"
    "0DALDtywWKnRWzVkI4P37DzP6GW1UoevuBYFe0oWS4hXxUZwVGhHY/j4Xq4BqtSZ/Immto"
    "tJgTEcl6vhEvz2LMcgfnuWOob5JTnYhYZwVEgtw8kxrCObLaU0ielPt4O+HNSQSFwtNKY2"
    "+B8wDZoH2VIjuPHPmYOF8gImjmHaBqav+W3/1di/nsghiqiI/vg9uW7/Oz60L3uDi7juxx"
    "u4YB3CbaDZQ0hh5wUTOH14gpauJa6QM5JWN3lpcbaIl0AM7wW8/Bfz37c2D+35iDwg3JDa"
    "jv7FZrbpaM+ZuefX22Q5NtpggqCFLCBkwEn7pvsKEAtAMLHIE2UXKKKUd/cJ1BcGBnfdVz"
    "8Ags0VMGwK5pDOgUEBZVoB0l83Yl26g+aVRVsti1Z0rMY7qsgrOCq1nRfwYWHesQX0wH5W"
    "EYD9+jXUbU7f5wD3NM4HBODySzH1nFozjaKphST0TDrGMbH62ULbH8YMK46FVpwHi0ruhw"
    "/bL/TsB+oD9ubzRsWREGTeAM7kx9Dz0mCtlej1qKRiQavMgjpMnStmHoYkStmGlZvCW9C1"
    "ErZIFOAkuh+Zamzc45/RSoDcZU8E8VRGbHiWxJ3XzJGB+80fPX5pMFUt+LRW98ODiv129o"
    "uR7b7H27eX7atO49thjLtLZNnGzJhC8TQJ8y58uZll4E1jFdXe4DHN7maGJfWILLdj2XMx"
    "+PRCnKZUWNlVGxVSE0GLwaGJ7wXwjsvV0M46e/Mmz07ImzfpOyH8mhzvwhtPCcE6Ir6bvS"
    "fHomyZN2yz0AiPy9UR712McH/bruiKEperH52wU7hNck+ScF8YGFqrbMB9yRjgk5WN6PFB"
    "noHwhbcFsjYmGa4X3X57+GW9YbK2KHuD/qcLyZbJxZdRpx3rAoNSpxSnExGsIaVTJ+veRo"
    "ulyaDXmKZJpd5OqQaATFTZ+5LN4KU+K7aEeQIlV66qwXmApYvO4dn5+yKv6UBiVwpRncwr"
    "hC1imguECzqOJOS2s14cPX/wIk8FWbck+2SA0YiwPznZxE6kqaPqkLyMYmIw5uAVX8YVzo"
    "kxldOE7pVmJkMY1NkqOfh7g5XQtd8yoYb4/IciDQ9IGq67IT+0YRGlhknUMBs9S9bFEStN"
    "02+fyzsAVA3MLJul8+9RRAlL+NtFdDC/etwJL248MiQtC00lkF8QYiKI04zHsGBcBWaSuw"
    "J/XbJnFXgw6EXQv+jG4b27vugMT05FV7BKhvuCSg5wfx0vppPFpNTSsXnHNvzCfOGu7S+h"
    "po4M5Lx6VmyAVWr31uUKpSqZdylbJwtVUju2xzS7s5SvohT/djcLK7Qvu5utwsKMvmLyX0"
    "iHcQA1Z6mX9NGUiG+B1T+ebjk6Ul+546YvcPVyxy1AHAbD494izlISm3bhyX38eYhMmMIl"
    "eOrRJ97GEfZ/mtIamT8LtJgg64UI5fTHrOYymMRnt2o490lpSLVwcWWDEr6uo3Twuujghf"
    "2alENTQT08/GQJnNNZ0ZhYHdyZ9s2NUhvajuTtwgd3BzuLBHUU3aleS+9vpDeuhu2Po0Yx"
    "/F2hFhD/xvjm7qLXvf2xc9UC649jzNHsfuaF/qdGiQmyg9hBpUJ/Jyp0xFPHmZgGnZfq97"
    "isMpGrbCJDazo3Hkt1dExU9XOV+9lfjSdFszTF5VSWG0mWG2dpipA1XZtZZFEMYbmwgnnj"
    "7mMwNLew/1gvlqIZ23pMzOLI5iN7CtC/6/UaWYN6CxgHJEY9UZbP5BSo8xCUgWfeCzm4l3"
    "kxVhT+WOAdpazCy2DqiUbqBNEu2crOYmmSFULdxZJY0oTQsRrNLPYSeXU1I6i8Mb3XACPA"
    "Jh2BOtLBzDBRCywt9GigJ/HdonYTsFuaBvsKbbBgShUgbI0CJ4bObkhsNiPAZAW+fvVqMV"
    "3269dXyURfu7rRGI/xaI6Anx3MTQVGgc3K+G3AHFkIUMIKWLPjRptJr8YN714UoGeGj7kK"
    "6vN6Y/wEafB8P4A5cSh6QGjJfg1wFyMKeIIyAIEOV4CY+mvAH+OTBZfzX3pg4dhiqgCDjv"
    "mybiM+v8DJ169u7/gdS0+m9LEJdGs1dPAr9oMAxDrQCWseExuwu7IHMtjP4b2s8ptVkF/m"
    "g6aon0dYpo4s8/l5rjDl84ww5fNkHCe2pfEI6QxzSKQWKO+dXq5g8NMBh/X3nu1M5b0qyR"
    "CuFZbCBGFEUvGDVe7lQ6Vwr9yauWVq0DcaChOvSUFFCW6mBAM/9BdzVeuWjmwE5+YEI5NX"
    "Ho2QMpIV37opSV9i8hZmAXfK3AR0oIy1iZCFGYxNtN6Wg3G9hFiN5tqxTUXiHpIooKwTpi"
    "k0QQ5nnbV0lS0rNjF7H1uA/x3j9u1t91NfeOR4n+KsoPLIqdirr8YeOTpbIIv3eCClrK+q"
    "W19cOSg1q2Oyqqer3NOQUqYnl7AHk4LKHkya2+okut2gKnKlFgQ1JLMrauiYQfUz/hZCNS"
    "qkGLfNlFDIjtwPZVE1fPNyFtGhtZkPCsLN9uUWVrEFIT/RFloJI7gOmTox7F6OGmkqgiLa"
    "NmCb1IpyeDYegiWuloKwBY44GLt5PBmXFuFa9Fb8825CbdVkLS7mpxcaydHTUuTI+hkvN+"
    "MbO6WlHkvGt4LkuBvRL+HF16H+OZwY79d1cxxRqqMltGxOpAMyAwQj4M27HwB6RNYK+M3y"
    "s0INHHIwREDcSHYw6XYalVLzofVTQKSI+e83S9OhjYco2Z4rPvw0Iz78VHICg+Lbv0O+Xf"
    "nDKIeN41HGc6SPVFl9DhUn8xOZyNRJXpypTP7pVcgXBYMNoejxR+bqG9bBE7EemiAef/KA"
    "Vl+/pgS4FGuDx670CZi5MxWwQtoCELDHBgseVOLYpvGIwBOPXJlChyIdsPZPIFiy0UcwsN"
    "CCPLLCCeJNjDFTMA0L8PPPwJNQWx37VVMElBg2BXP2wUQW02un7HGo26yIilkgiGnO4JLf"
    "RdoQsYxYDtbgzGbV/lAK6z4VVnXW+w598tksLIStW11lbM2TKWoJV9ytL4nvT7eDvhzfkE"
    "hc/zemNvgfMA26M7Ww8c+Zg6cijm/iGKZtsGWS3/Zfjd2+XmWQc4giqn8iwicezBPT6XkD"
    "sgRS5V3SfOE9po/65a5z5/mRFfBKc6VawP0/xsO7fr/b/9QC3ocxvmJGUAvwv+xzp83q8r"
    "/xl3yeifMhx7T5kDppPsSnDLT56Wiy8PV0R4eQyP5MqDeVfpkGgAZaSwLRbDIiIlhDLuJI"
    "uId87mAmNBZMjX1AkpSEGUesRsXqkJJw5+djQ2pryLKIZD6lR+ZGpeqA875jcxWp+l0sZD"
    "MDl00jGBPdi1erChHO380JUvcwoUxeyh4JvxYk80mn2MygzpbDlwLvKHWS4B4VZXWS4D6N"
    "kXQmb7P5fQysXuNz96ozaAHxj9ndzKZ27W73wxi3L0fdz93RlxbwP43xL3fd37it3v2tjP"
    "29/XgxlUF+5xnkHUvslmkUsZvrErLjo0lgavrPpHAM+BmXrpVNcTW4u+h1wM2wc9m97XrM"
    "4FqlERd5UXDII5txvRjqj4aOiOZYZpGxHRGqg+GWGN45x3fmAE+M8AnRJdsK6QayX78OCO"
    "/bNF5yn2Z8r9EpsZC2RNZUmjcsXWtJk1fxYkkNhs+eEhx1XExBe0RBY0eHaqb/VAWDcCrh"
    "0tPMHYVTyHnKP8T3he5TNTzueKc+VLHIj1S6Jxwbson20cJBKdvmf6LJcTyeSTFAB81gc3"
    "zHTXX72s1w8GnYub1tFEOdKZyXP3OnAff/GLc/t7u9NjOsWmD9cYxDN2iB0Jcxvhxc3/Q6"
    "I97E+mM1CI0naE/5xgBdQtkynO6MkxCshksOv19tXHKm5BFZHOMSVIhEtiQTUs4F5PWunE"
    "B2zISIca2xBcoqt6Uqk1dZZKq24ZZwW7AQT8Vf5hzzhLTq7Sr39oTZCqXpILmwIiyShIVP"
    "6Gg8VKEAwgk55bWYCu0UWpZRDt2QqAI4DjB6Zo2XYTKTggrcOLjlNaut61RVI4NqHAHsLP"
    "WSLopRSaVbVVm3Upk3v5eeDhjZYntSCTm1LyXNZigo9YLJDEMyCtXNu33RTYUX7vjV8kzQ"
    "ZmzXLzF5N+c1DHyCXwhw7U4TjYMbmb8vSA6XbrYU21I1/tN2W6oR5jvdVR049oQ8X0PDbE"
    "h2VENXm1m7qUTU0xZ+xRwZz0SSh3GDsnk5bgCbiPNLeVoSnZ+v6jYITjABt9ejG0CR9Ygs"
    "wLCZGfeOhfRXLSGgowX5G41vSm25+THmGSggoAtomsDgs950h+LfKHiCK948N4L8hBRItG"
    "dMEXgijqmDOXxE4oGQrg5AreCu8IItYmx2SDWXdD/SqJRKn5DHTdpCU2NpSJWXdKAjQrva"
    "eT8g0Od5QlpZrYyzZhNBrdSZ/ImmhWAOidTQ6/9truH8NmM4v00OZxs9FzrO169fC3z37R"
    "Q9txcSP/90sP36CuzaB2eroN2jC9q9gZQ+EUsfIorskchXIbE/JLUy7ZClV1+zuECQB2O7"
    "rp1KWT+gsi76VJtDOi+i3ESlaqesq4Pd1Qug1IbI89JgzZXo5aik6uUq9zJ3Siqzh03Vtu"
    "ZR9O/SsViThQL8QyJ7jGUQWlljL2/E7cccsOlQ8KS2kITa2ty8telQdUZbjnPl6YYD2g5j"
    "z62jGSVWXDjSMd12+ytca+snyfv7sCoV096mejPDilOpmLbvf7O0iLfxnZciDSQUSVqCJF"
    "2wpzeWJtIgpk/y4zQIMRHEKRuIEvFYP0yY/K46Yl2y3564GAx6kZ646Mahvru+6DDlTHRL"
    "EPWmHM4OopUpX6iX+0IVSi8xnRNjil7oCXUpGqkR2Dt1ggr7jUn114hbWZYKa/zHD6TZhR"
    "obzlaBHX6Ek1JjD3vwotsJ+YENBNS7RxZmVTLCdTvBrXVHl++OygIvM7XUQGiPuulhjIQt"
    "qqapFkF6apJ0K0CdE7SFc4KcycKwS4ZwxmRrGMRZq+0QT0sqZhjGpNQLZLNpGFZHt2Ichl"
    "O3HRnUeY3E2DCrFoW/NnNG0BTx3FmmkFunmdce0ux1/Y3RIfwuwA8JAnTJjwLlIRj3FsQ2"
    "P0M0ODk0iO6iTX6qKGCajMVGjqjP758853SrrfMTUIe8NmuclYYkWCMi9p8Cv8/Zq9Ue43"
    "vjEVGAiX9n90HEiatu0AlGz3a4HTITxW72SuC1ObPIAjDDELEn6FiQp/sVtbyDVdnUoewu"
    "9txgfwhJCzvhOyPiBzWaKkPhHnXydItSZaBRCVKOEdwKpcqoqGpQC93ae10U3XMJCynNWm"
    "1lHWora63rKB+j7J2s8IRV+RIqske4S+NvyLC+JA62hWGQsPvCl5tZJh/vMwZDUHOjsffR"
    "YP319yfWceQJeJKUG2EiAJ/pyRPIxSgzmNAjGxMmeCLWA69D59BCgGAETGNh2ElLb7tNS+"
    "2nByRsWvcebgJdZUEd1ILyeiSvJ7RXvRYOUHuI4I8M9IKaflxW6fqV1vXFgllggVrXV9ax"
    "VBE9zItdqKqSN7qvwqa/yn1/fBU8W5t3I/IzNOV9O64Fahcyu5O0K+J/AXj9+kr7yKd9rO"
    "P7i8Z/JwTriPj5ea4RfZ4xos/jiMOpeK27QEkB33xuUryNKmPPFtGr7ufu1V27x09D8j+P"
    "cef6pjf40um0gP8pbm7m6aPthyVaxCzdMb7sHkNAe532sN8ZNgr2iifWAt4H93Cqdv+L1r"
    "667vbdA6rWX8eY6b4fP7aA+FeNftIRU6GMx5KbJElpFZJdadvpqNJn7PelVd/zAng2eIhX"
    "RQ+8DQvt6FSe4zNiAlTvLeIsi2EaFlGIbj5BWIzALezfXAYtHRXAebdvonM1Jd91YuxuAd"
    "hPfju1hDU8XSOgsgcA/bteL1/knEjy9cLAubZjz9eJ5o7szZoaOyc/A+OFSNXy8ICoaRUk"
    "EXwhVvI8hnXBbJf09a+GPdfZYoEvkWUbM2MKxcqQoLOl9ZpZ9PaTL6FNYyIbt6x/5XneDQ"
    "pMNBPuuXDtMBxqqgUQJs79nGeHd2N7hAJ6NWz/2m8CTOw599l1/XWhmdy83tVNFCdfLU7+"
    "EVluZ7LnYvDphQhkqXDtuPrtp7ekc3h2/r4I0oFE/VLQbx9fg1KnFP0REawh+3EkbEcuki"
    "t4g5Y4cDwmq7q6cl1dEQeGNnvFTecync+7kqnlwaCOcmOokcpEpcnjMhUlKjfRKrX9WKmt"
    "36WEuUpH2KteQ3RPc7kynGa4MpwmXRnYHW1pkpP0DBEhkf1niDjMi3JruSAO+jL79n9qdY"
    "n1"
)
