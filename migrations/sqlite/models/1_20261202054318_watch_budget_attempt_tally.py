from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "quiz_attempt_tally" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "attempts_used" INT NOT NULL,
    "extra_attempts" INT NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "learner_id" INT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    "lesson_id" INT NOT NULL REFERENCES "lesson" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_quiz_attemp_learner_17afdf" UNIQUE ("learner_id", "lesson_id")
) /* Quiz attempts spent and granted in removed enrollments, per learner and quiz. */;
        ALTER TABLE "lesson_progress" ADD "watch_started_at" TIMESTAMP;
        ALTER TABLE "lesson_progress" ADD "attempts_carried" INT NOT NULL DEFAULT 0;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "lesson_progress" DROP COLUMN "watch_started_at";
        ALTER TABLE "lesson_progress" DROP COLUMN "attempts_carried";
        DROP TABLE IF EXISTS "quiz_attempt_tally";"""


MODELS_STATE = (
    "eJztXW1zo7YW/isaPm1n3J1Nukk76Z07QxJn61vHTh1nt9u6w8i2EnODhYsgL+3Nf78S7w"
    "iBAWMbU31JsNDh5dFBOuc5R9LfytKcI4O8V525bnefELaVM/C3guES0QPB2Q5Q4GoVnWMF"
    "NpwabnXI6mkorDgltgVn7JL30CCIFs0RmVn6ytZNTEuxYxis0JzRijp+iIocrP/pIM02H5"
    "C9QBY98fsftFjHc/SCSPBz9ajd68iYJ55Zn7N7u+Wa/bpyy3rYvnIrsrtNtZlpOEscVV69"
    "2gsTh7V17/EfEEYWtBG7vG057PHZ0/kvG7yR96RRFe8RYzJzdA8dw4697lSLyhRNGwzH2m"
    "13rGlKCYBmJmbg0kcl7ts/sEf49vjo4/cff/ju9OMPtIr7mGHJ92/erSNgPEEXnsFYeXPP"
    "Qxt6NVyMI1ChnQb1kmJj60skRtaT4JCd+yLvgwMe5wDVPKCDgv0gnQPjuHfdvR2r1zfs8k"
    "tC/jRcmNRxl505dktfudJ3p9+wcpN+J943FF4EfOmNfwLsJ/htOOi6aJrEfrDcO0b1xr8p"
    "7JmgY5saNp81OI8DGRQHRbRqrFVn7tunWvZiAa2MVg0luJalENXTllFPsYvPZglfNAPhB3"
    "tBf55+zGncz+ro4id19O70I9dgA//MsXvqjQfYtLRSPVJcZH2/JMDY/xgaA3EtPRMPKVpC"
    "3SipuHGxStrbNGQTynt8UkR7aa1M9XXPJcGemcsVxK/lNDgptCUdPrzBNUKVONP/opntYV"
    "JCh3m5FnbB3x0XUOLvjjN1mJ0Sg11KhZNCshtO6/Ac2bQrJWlM/3M7HIhBjYnwZqE+s8H/"
    "gKGTIshW0mDlX/cOdo0XMHV0w9Yxec9u+29l93YigyhhIgb6++5a/ZVX7Yv+8Jy3/dgFzm"
    "mDMB/o/jFmsLOCKZw9PkNrrqXOmMdmVt30qeXxki+BGD648LI3Zu8Xuof2Ymw+IqwIfcfg"
    "ZCffdbQX1N0L6q3zHBUVTBG0kAVcGfBOvel9A0wLQDC1zGdCTxBECGvud3C+1DG4633zIz"
    "Cx8Qp0m4AFJAugE0CoVYDm7xWuSbdweenRNsujdRtWYw1VZghOStUzAO8X5i17QI/0tcoA"
    "HNRvoW1zdFoA3COeD4jAZac485xY9xpBMwsJ6JlsjDmx9vlC9asxxYphoZXnwZKSu+HDdg"
    "s9fcH5kI58vlYcCEHmK3AuP4ZeVjq9WoVWT0pKFrTJLKhDzbly7mFMopJv2LhPuAZbK+WL"
    "JAFOo3tFTWP9Af+MXl2Qe/SJIJ6JiA3fk7jzL3Ng4L4F2hOURp+qBZ9Dcz+uVPTd6Rsj2x"
    "vH1dsL9bKrvO3HubtAlq3f6zPoPk3KvYuf7uQ5eDOuoowNHtLX3cnxpJ6Q5TUsfS4K37wU"
    "pykUln7VWoPUQNCicGju7xJ483It9LOOP3woEgn58CE7EsLOifEuHXhKCbYR8e3EnhyL0G"
    "5et41SGs7LtRHvbWh4ELYr26Pwcu2jE7YKt2E+mGm4z3UMrdd8wANJDvDpq43I4UGeg/C5"
    "HwIJnUmK63lvoI6+hgGT0KPsDwefzgUhk/Ov467KNYFOiFOJ00kItpDSaZN3b6PlyqDQa9"
    "TSJMJsp0wHQCQq/X1BMHg1vy/XhfkCFXuupsG5h66LLODxyWmZYTqS2JZB1Cb3CmHLNIwl"
    "wiUTR1Jy9fQXB88fbJSpIGqWdJsMMRqb9E9BNrGbuNRBNUhRRjGljAV4xc24woWpz8Q0oX"
    "emk8sQRnVqJQd/V2gJCfOWTaK7x39I0nCPpGHYDMWhjYtIM0xghtnoRdAvjmlpln37Uj0B"
    "oGlg5vks3V/HCSMslW+XsMGC6nwSHu88UiQtC80EkJ+bpoEgznIe44K8CUwltwV+WLJjE3"
    "g47CfQP+/x8N5dn3dH747cpqCVdG+ASit40I+Xs8k4Kdl1rI/YxgfMDaO2v8QudWAgF7Wz"
    "OAVrVPTW4wqFJpl/Kt8mi1WSEdtD+rrzjK+yFH+9wcIGxWW3EyoszehLJn9DOowBqDmrec"
    "UcTYF4Daz+4TTLwZH6Mh03u4NrVzpuCeIwZuGg5RRZgslp577g1c8jZMAMMqFcumEzv/KU"
    "zfq2XSuTpVyIjUz3zBobM6wjTcy2mJil03Zkvk5JMzP+ZCmcs0k/TqwN2Tq7pv6IDW1HML"
    "ow5e5iZ5liRpKB2FB6d5quXI7Uq7FSDn9P6Ay4/yb45u6837v9qXt5BsLDCWZo9j6zwuBI"
    "qfCBbGFqnLQQ/yEWYiIRxZkaOllUandeVnqATfYAoTVb6E+VGpoTle3c5HYOeuNp2UWIeD"
    "m5iItgERdnZbgzsqgnbZnLcgiLhSXMa4NrkWrWEF5rF0vR4SJrqa84EVujTwEGd/2+kqfU"
    "NWAckRjtRFn8JWdAXYR/ixLPNuTgNkvSayj83LwyQmiFzWDquxdpE0TbZCtjSiVgLJMql8"
    "1aJlNR685Y9GcNKp2QHpXpivukMwlthFkGn1mA8gmlm0xu0k6+f3UG2N8JVm9ve58GLq/j"
    "H0lep+GdaYt5HZaGxEyRSu3OyUp/v8n+PiSE2uYVHP60oHRF0x5/cxd0PnBY3TUHSqIak5"
    "FJyQJUg6UzSsGaFJK4ruejYr7GbsiopuFblCdJqpY4zTvdK+ySgDpUZBN9YQLYEbUoRr2L"
    "sZJlJUgOdQ22acOoAIkay/vfWHfDK7UT36R1lKG8RVjTlWUyS7oWLvAmdq2W9BnlOMGYKi"
    "cXHhQjG0weX48vt+BhO3T6rSSF6hPOAvo0oqKzqVMjqlMzbRqNuHKa9w5NdjnNe5duUfaS"
    "+uuZ6ENYXl/53LvsDs+A+2+CR131sjf4dAb8gwlWL8a9z73x1zMQHE3wL3e9384A+9sMnl"
    "rmP289/9mxvFVjCaI3nwvMpivDhJnJK2lhDvh7Jn2wQ7wI6Mvh3Xm/C25G3Yvebc/fgyhk"
    "f92TrCiagU+/uD6H+pM+R6bmWKXWQE0ItSHjPKXeBfU7V8FTGj415wIPLDu1P6jfBoR3nd"
    "O/Ym4yftDIjDq42gpZM+EiU9lWS5a8pMvTFgz7eqDNllcUJQhlYsyLSWhlJGI/GZyS2A10"
    "qDKxW2BhlPR6NBtyYy1ci2armXIcl5hJ98TZxnW0jxanOevmf5JJeT7PJBmgvWbOHd5kyd"
    "5AuxkNP426t7dKOdSpwXnxM0ua8/5PsPpZ7fVV6lidgfBwgmM3OAOxHxN8Mby+6XfH7BLh"
    "YTMIjWdoz9jkOLKCom44e9vflGAzNv9l9zvozX+TVt8TshjGFagQgWxFJqRS23x4/2H3jV"
    "AHE+LqtUY7KKtaXqJIXuYmNjk30YDE1iy0Mi27yiJTKWnZ2k1u7Sn1FSrTQWJhSVikCYuA"
    "0NEcgkrl+/JyuyMutjVgbQ3aGbQsvRq6MVEJMA8weqEXr8JkpgUluDy41S2r2m2qppFBLZ"
    "7pU30RT7l+ZyMauZBtJedz/VNaumEbKe274659hoxLqZecIBOTkaiuj/blbTpVOuLXyhUt"
    "OtU2nkprcg0At24tDB7cxPe7wXSDbLelXEhV/0v1rtQizLcaVQ2j0IJ4ajxCnR1JjW/PUv"
    "/KI8H3I1PodzimyxT6nW5Ya5l+h1U0tzKSaEV+9q7TK5f06XXqtmkQk2fx0vx5e6aJxOXO"
    "aSV2TpOOQl3dSO5EemnDbmrDlkoL9HaM3dCCjbambQnYWzZeI3tfaL8m3IE8E1b/KwiAbM"
    "OMjWcZYodtByPN2P3uOec1QnFgIwE59ojCYxUzE+pJSmg7umw6jyhgnmulRkI7tE334yTU"
    "aJpmegTZKaXZXsCekknZbVuTTEqc6VK3K4beOdkWBt/bFJ0LrKRyjiEnJQeQ9a5h9to+FZ"
    "3DFi7w0+GcRE7NmrStdszNGUPDEO6vnarTKeoPaXZYf51XpLC7gCCUA8iKGnUA4jl4sCCm"
    "GgF0DCy0NJ/oYWxV/g6gBiDw17Nz67P7v1e49qv36hM8wSNWm16clsYk6EXcnC0CgjanQ6"
    "s9wQ/6EyIAm8GdvQcBrA2pyiwQwOjFjl/HvHeLvVmHwL8m29MAUMcQ0SfoWpBN03Zr0Yek"
    "HxKgnw6hd7EXOv1jmi4I69ZklzPLGuBRysxhmdh6iOA2KMWxoaZBK2xruXqxzHlrNqq5oS"
    "y5JnTBSFa5NaFljHAnMcJtOn8jivWF6VAHyFIEfl/8dCfP5WNtRmGIaq519q502l7fPtOG"
    "M5+BL0mYE8bcGWYnTyETI9RhQk9UJwzwbFqPrA5ZQAsBEyNg6EvdTnt69V5a6D89Iten9e"
    "7hTXyWHtRePSi/RZKoZi/j51dvRQLUDhaoTCh6SUufl5W2fqNtfbfDLNFBhfWldyw0RPcz"
    "sLumqmBED0zY7KHcIQWH8FJZLHJs3OPYiJZQL7XIbShQz/i4X3CTo+PJxyKj48nH7NGRnU"
    "uOju7/EvAG9aX1Ucz6YMko1ESfawtIFmWATgm2EfGTk0IafZKj0Sc84nDmDuseUELA1693"
    "x1+jydjTTvSy97l3eaf22Sp2wfEEd69v+sOv3e4ZCI54d7NIG9W/hJ1lZi3Jv75hAtkdLk"
    "PY76qjQXeklGwVX+wM+AfeooLq4KumXl73Bt7CguHPCaa27xXb9pf9a0Y7yT1+s6Fv78of"
    "cmvSXRD7cmO33W/sZpuPaNOlq1XHXozZdQ6w08qcqCJeKGRDpFq5wsJW5/R80e3FnKo+ju"
    "9tJ+BBhPU6ebzIcyChcbvwrY91fFlAG+gEGOjezeuCYaZZ7FJnAGHTeVgA2wReUrg7Tl2O"
    "1C+DDsCmvWDJXl6iFzTSUY9t3USSOc0ic56Q5TUm2/JpRvW0jEMsFG4dyXNahOM5zaZ4Tl"
    "MMD1nA45PTMkhHEttys9qEr06IU8lLSgi20Ek6EKeoUGQpGkErrDDOycqmblxTNyTypdIh"
    "brYQ2Xz+mVwrD0Z1ZPyrRSYTEa46lGsoEbFr1ijeulExA/pRlUDYr95CdI8KxcCOcmJgR+"
    "kYGL2jLZwdnz21OCay+6nF+xkoa5tEvNfB7O3/XHwGbg=="
)
