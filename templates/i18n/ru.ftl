## Все слова pressroom по-русски. Идентификаторы те же, что в en.ftl.
## Даты: шаблоны chrono (strftime), названия дней и месяцев берутся из локали ru_RU
## (месяц после числа стоит в родительном падеже: «27 ноября»).

# Локаль C: названия дней и месяцев, разделитель разрядов.
locale = ru_RU

## Даты
date-issue = %A, %-d %B %Y
date-issue-time = %A, %-d %B %Y, %H:%M
date-story = %a %H:%M
date-story-zone = %a %H:%M %Z
date-read-also = %-d %b
ago = { $unit ->
    [now] только что
    [min] { $count } мин назад
    [h] { $count } ч назад
   *[d] { $count ->
        [one] { $count } день назад
        [few] { $count } дня назад
       *[other] { $count } дней назад
    }
}

## Выпуск
stories = { $count ->
    [one] { $count } материал
    [few] { $count } материала
   *[other] { $count } материалов
}
issues = { $count ->
    [one] { $count } выпуск
    [few] { $count } выпуска
   *[other] { $count } выпусков
}
view-in-browser = Открыть в браузере
view-in-your-browser = Открыть в браузере
in-this-issue = В этом выпуске
top-stories = Главное
more-in-archive = { $count ->
    [one] Ещё { $count } материал в архиве
    [few] Ещё { $count } материала в архиве
   *[other] Ещё { $count } материалов в архиве
}
most-read = { $window ->
    [now] Самое читаемое сейчас
    [today] Самое читаемое за день
   *[week] Самое читаемое за неделю
}
most-read-rank = { $window ->
    [now] № { $rank } в «Самом читаемом сейчас»
    [today] № { $rank } в «Самом читаемом за день»
   *[week] № { $rank } в «Самом читаемом за неделю»
}
jump-to-story = (перейти к материалу)
topic-page = (все материалы по теме)
also-in = Также в
read-also = Читайте также
topics = Темы
sections = Разделы
times-in-zone = время указано по часовому поясу { $zone }.
page-times-in-zone = время по часовому поясу { $zone }
sent-to = Это письмо отправлено на адрес { $address }, потому что вы подписаны на «{ $site }».
sent-to-text = Это письмо отправлено на адрес { $address },
because-subscribed = потому что вы подписаны на «{ $site }».
times-shown-in = Время указано по часовому поясу { $zone }.
past-issues = Архив выпусков
manage-subscription = Управление подпиской
unsubscribe = Отписаться
read-on-web = Читать выпуск на сайте
all-issues-of = Все выпуски «{ $site }»

## Архив
all-issues = Все выпуски
all-issues-title = все выпуски
archive = Архив
follow-in-reader = Подписаться в RSS-читалке
no-issues = Выпусков пока нет.

## Темы и разделы архива
listing-kind = { $kind ->
    [topic] Тема
    [section] Раздел
   *[index] Темы и разделы
}
stories-newest-first = { $count ->
    [one] { $count } материал, сначала новые
    [few] { $count } материала, сначала новые
   *[other] { $count } материалов, сначала новые
}
in-the-issue-of = выпуск:

## Ленты
feed-digest-description = Все выпуски «{ $edition }» в том виде, в каком они вышли.
feed-section-description = Материалы раздела «{ $section }», отобранные для «{ $edition }».
